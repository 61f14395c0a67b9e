import type { Prng } from "./prng.js";

/*
 * The simulator's vocabulary: a token, one request made with it, and the
 * actors (people, machines, attackers) whose habits produce the requests.
 */

/** Durations in milliseconds, the unit of every simulated time. */
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A simulated credential. The secret only ever goes into the traffic itself. */
export interface SimToken {
  readonly secret: string;
  readonly kind: "jwt" | "opaque";
  /** JWT expiry (epoch ms), or null for tokens without one. */
  readonly expiresAt: number | null;
}

/** Who made a request: the token's owner, or someone who should not hold it. */
export type RequestActor = "owner" | "attacker";

/** One request as the gateway saw it, before a format writer shapes it. */
export interface SimRequest {
  readonly ts: number;
  readonly ip: string;
  readonly userAgent: string;
  readonly token: SimToken;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly scheme: "https" | "http";
  /** Where the client put the token: an Authorization/API-key header, or the query string. */
  readonly location: "header" | "query";
  readonly latencyMs: number;
  readonly actor: RequestActor;
}

/** The scenario families the evaluator's targets are stated for. */
export type ScenarioFamily = "benign" | "sharing" | "theft" | "abuse" | "exposure";

/** What the evaluator should expect for a token: nothing, an alert, or a revocation. */
export type Expectation = "none" | "alert" | "revoke";

/** When and from where an attack happened, as it is written to the label file. */
export interface AttackFacts {
  /** Event time of the first attacker request (or exposed request). */
  start: number | null;
  end: number | null;
  readonly ips: Set<string>;
  requests: number;
}

/** Anything that uses one token: a person, a machine, or an owner with an attacker. */
export interface Actor {
  readonly id: string;
  readonly scenario: string;
  readonly family: ScenarioFamily;
  readonly expect: Expectation;
  readonly token: SimToken;
  /** Filled in as the attacker's requests are generated; null for benign actors. */
  readonly attack: AttackFacts | null;
  /** The requests this actor starts on day `dayIndex` (which begins at `dayStart`). */
  day(dayIndex: number, dayStart: number, rng: Prng): SimRequest[];
}

/** A new credential: a JWT for people (so claims and expiry exist), opaque for machines. */
export function newToken(rng: Prng, kind: SimToken["kind"], issuedAt: number): SimToken {
  if (kind === "opaque") return { secret: `sk_live_${rng.text(32)}`, kind, expiresAt: null };

  const expiresAt = issuedAt + 30 * DAY;
  const header = { alg: "RS256", typ: "JWT", kid: "sim-1" };
  const claims = {
    iss: "https://id.example.com",
    sub: `user-${rng.text(10)}`,
    jti: rng.text(16),
    scope: "orders:read orders:write",
    iat: Math.floor(issuedAt / SECOND),
    exp: Math.floor(expiresAt / SECOND),
  };
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return { secret: `${part(header)}.${part(claims)}.${rng.text(43)}`, kind, expiresAt };
}

/** An attack record to fill while the attacker's requests are generated. */
export function newAttackFacts(): AttackFacts {
  return { start: null, end: null, ips: new Set(), requests: 0 };
}

/** Count attacker requests into the facts the label file reports. */
export function recordAttack(facts: AttackFacts, requests: readonly SimRequest[]): void {
  for (const request of requests) {
    if (request.actor !== "attacker") continue;
    facts.ips.add(request.ip);
    facts.requests += 1;
    if (facts.start === null || request.ts < facts.start) facts.start = request.ts;
    if (facts.end === null || request.ts > facts.end) facts.end = request.ts;
  }
}
