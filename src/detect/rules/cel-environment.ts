import { Environment } from "@marcbachmann/cel-js";
import type { WindowStats } from "../../state/token-state-store.js";
import { cidrSetOf } from "../cidr-set.js";

/*
 * What rule conditions can see. CEL is typed: these declarations let a
 * condition like `window.networks5m >= "4"` or `event.stauts == 500` fail
 * when the rule file loads, not on the first matching request.
 *
 * Numbers: counts are CEL `int` (BigInt in JavaScript, converted in
 * cel-context.ts), so `window.networks5m >= 5` reads naturally; CEL also
 * compares ints with doubles (`window.requests1m > 1.5e2`), and evidence
 * converts results back to plain numbers.
 *
 * Unknown values follow the protobuf convention CEL was made for: an
 * unknown string is "", an unknown number is 0 and an unknown list is [].
 * Conditions never fail on a missing field; they test `event.routeId != ""`.
 */

const CLAIMS_SCHEMA = {
  iss: "string",
  sub: "string",
  aud: "string",
  jti: "string",
  clientId: "string",
  scope: "string",
  scopes: "list<string>",
  exp: "int",
  iat: "int",
  kid: "string",
} as const;

const TOKEN_SCHEMA = {
  fingerprint: "string",
  location: "string",
  kind: "string",
  claims: CLAIMS_SCHEMA,
} as const;

/** The `event` variable: the canonical event plus enrichment, in CEL types. */
export const EVENT_SCHEMA = {
  ts: "int",
  requestId: "string",
  gateway: "string",
  clientIp: "string",
  network: "string",
  forwardedFor: "list<string>",
  userAgent: "string",
  method: "string",
  scheme: "string",
  host: "string",
  path: "string",
  queryKeys: "list<string>",
  status: "int",
  latencyMs: "double",
  routeId: "string",
  serviceId: "string",
  consumerId: "string",
  credentialId: "string",
  asn: "int",
  country: "string",
  tokenClass: "string",
  token: TOKEN_SCHEMA,
} as const;

/**
 * The `window` variable: every WindowStats field (the `satisfies` clause
 * fails the build when the state contract grows a field rules cannot see),
 * plus `ageMs`, the time since the token was first seen.
 */
export const WINDOW_SCHEMA = {
  duplicate: "bool",
  requests1m: "int",
  requests5m: "int",
  requests1h: "int",
  minuteHistory: "list<int>",
  networks5m: "int",
  networks1h: "int",
  userAgents1h: "int",
  networkSeenBefore: "bool",
  userAgentSeenBefore: "bool",
  hourLevel: "int",
  hourOfDayLevel: "int",
  activeHours: "int",
  userAgentKnown: "bool",
  asns5m: "int",
  asns1h: "int",
  countries1h: "int",
  asnKnown: "bool",
  countryKnown: "bool",
  knownAsns: "int",
  knownCountries: "int",
  alternations10m: "int",
  denied5m: "int",
  browserRequests: "int",
  afterRevocation: "bool",
  revokedAt: "int",
  totalRequests: "int",
  firstSeen: "int",
  ageMs: "int",
} as const satisfies Record<CelWindowField | "ageMs", string>;

/**
 * Every WindowStats field but the previous location, which only the
 * travel detector reads (it is an object, and CEL rules gain nothing
 * from raw coordinates).
 */
type CelWindowField = Exclude<keyof WindowStats, "previousLocation">;

/** Names a list or macro may not take. */
export const RESERVED_NAMES = new Set([
  "event",
  "window",
  "true",
  "false",
  "null",
  "in",
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
  "has",
  "size",
  "dyn",
  "int",
  "uint",
  "double",
  "string",
  "bool",
  "bytes",
  "list",
  "map",
  "type",
  "timestamp",
  "duration",
]);

/** Functions that take CIDRs, checked at load by compile-expression.ts. */
export const CIDR_FUNCTIONS = new Set(["inCidr", "inCidrs"]);

/**
 * A fresh CEL environment with `event`, `window`, the CIDR functions and
 * the given shared lists as constants. Macros are registered later, once
 * their types are known (see macros.ts).
 */
export function createRuleEnvironment(lists: ReadonlyMap<string, readonly string[]>): Environment {
  const env = new Environment({ limits: { maxAstNodes: 2_000, maxDepth: 50 } })
    .registerVariable({ name: "event", schema: EVENT_SCHEMA })
    .registerVariable({ name: "window", schema: WINDOW_SCHEMA })
    .registerFunction({
      name: "inCidr",
      receiverType: "string",
      returnType: "bool",
      params: [{ name: "cidr", type: "string", description: "a CIDR or an address" }],
      description: "Whether the address lies in the CIDR",
      handler: (ip: string, cidr: string) => cidrSetOf([cidr]).has(ip),
    })
    .registerFunction({
      name: "inCidrs",
      receiverType: "string",
      returnType: "bool",
      params: [{ name: "cidrs", type: "list<string>", description: "CIDRs or addresses" }],
      description: "Whether the address lies in any of the CIDRs",
      handler: (ip: string, cidrs: readonly string[]) => cidrSetOf(cidrs).has(ip),
    });

  for (const [name, values] of lists) {
    env.registerConstant(name, "list<string>", [...values]);
  }

  return env;
}
