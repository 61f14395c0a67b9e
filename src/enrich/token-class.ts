import ipaddr from "ipaddr.js";
import type { EnrichConfig } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import { parseClientIp } from "../identity/network-key.js";
import type { CanonicalEvent } from "../ingest/canonical-event.js";
import type { WindowStats } from "../state/token-state-store.js";

/** `user`: a person's token. `service`: a machine's, which may fan out over many workers. */
export type TokenClass = "user" | "service";

type Selector = EnrichConfig["serviceTokens"];
type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

interface CompiledSelector {
  readonly consumers: ReadonlySet<string>;
  readonly clientIds: ReadonlySet<string>;
  readonly credentials: ReadonlySet<string>;
  readonly ranges: readonly Range[];
}

/**
 * Decides a token's class for one event. Configuration wins: `userTokens`
 * first (so an operator can pin a token that looks like a machine to the
 * strict rules), then `serviceTokens`. Otherwise, when learning is on, a
 * token is a service once its history says so: never a browser request, at
 * least `serviceMinRequests` requests, and no more than `serviceMaxAsns`
 * network operators (a service fans out inside its cloud; a token handed
 * around between people lands in several home and mobile ISPs).
 *
 * A token that was ever used from a browser stays `user`, so a thief
 * replaying a person's token from a script cannot turn it into a service.
 */
export class TokenClassifier {
  private readonly service: CompiledSelector;
  private readonly user: CompiledSelector;

  constructor(private readonly config: EnrichConfig) {
    this.service = compile(config.serviceTokens, "enrich.serviceTokens");
    this.user = compile(config.userTokens, "enrich.userTokens");
  }

  classify(event: CanonicalEvent, window: WindowStats): TokenClass {
    if (matches(this.user, event)) return "user";
    if (matches(this.service, event)) return "service";
    if (!this.config.learnServiceClass) return "user";

    const machineOnly = window.browserRequests === 0;
    const enough = window.totalRequests >= this.config.serviceMinRequests;
    const contained = Math.max(window.knownAsns, window.asns1h) <= this.config.serviceMaxAsns;
    return machineOnly && enough && contained ? "service" : "user";
  }
}

function compile(selector: Selector, where: string): CompiledSelector {
  const ranges = selector.cidrs.map((cidr): Range => {
    try {
      return cidr.includes("/") ? ipaddr.parseCIDR(cidr) : hostRange(cidr);
    } catch {
      throw new ConfigError(`${where}.cidrs: "${cidr}" is not a CIDR; write e.g. 3.120.0.0/14`);
    }
  });
  return {
    consumers: new Set(selector.consumers),
    clientIds: new Set(selector.clientIds),
    credentials: new Set(selector.credentials),
    ranges,
  };
}

function hostRange(ip: string): Range {
  const address = ipaddr.parse(ip);
  return [address, address.kind() === "ipv4" ? 32 : 128];
}

function matches(selector: CompiledSelector, event: CanonicalEvent): boolean {
  if (event.consumerId && selector.consumers.has(event.consumerId)) return true;
  if (event.credentialId && selector.credentials.has(event.credentialId)) return true;
  const clientId = event.token?.claims?.clientId;
  if (clientId && selector.clientIds.has(clientId)) return true;
  if (selector.ranges.length === 0) return false;
  // The address as networks, geo-IP and ASNs read it: short and octal IPv4
  // forms that parseClientIp refuses must not match a CIDR here either.
  const canonical = parseClientIp(event.clientIp);
  if (canonical === null) return false;

  const address = ipaddr.parse(canonical);
  return selector.ranges.some(
    ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
  );
}
