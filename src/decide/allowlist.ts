import type { GuardsConfig } from "../config/schema.js";
import { CidrSet } from "../detect/cidr-set.js";
import { ConfigError } from "../errors.js";
import type { CanonicalEvent } from "../ingest/canonical-event.js";

type TokenEvent = CanonicalEvent & { readonly token: NonNullable<CanonicalEvent["token"]> };

/** Which allowlist matched; the `list` metric label. */
export type AllowlistName = "token" | "consumer" | "cidr" | "asn" | "route";

/**
 * Tokens tokenwatch may alert on but must never step up or revoke: break-glass
 * credentials, monitoring probes, partners behind a known egress. Tokens are
 * listed by fingerprint (never the raw token: the configuration is not a
 * secret store). Built once from the configuration.
 */
export class Allowlist {
  private readonly tokens: ReadonlySet<string>;
  private readonly consumers: ReadonlySet<string>;
  private readonly routes: ReadonlySet<string>;
  private readonly asns: ReadonlySet<number>;
  private readonly cidrs: CidrSet;

  constructor(config: GuardsConfig["allowlist"]) {
    this.tokens = new Set(config.tokens);
    this.consumers = new Set(config.consumers);
    this.routes = new Set(config.routes);
    this.asns = new Set(config.asns);
    try {
      this.cidrs = new CidrSet(config.cidrs);
    } catch (err) {
      throw new ConfigError(
        `guards.allowlist.cidrs: ${err instanceof Error ? err.message : String(err)}; ` +
          "use CIDRs like 203.0.113.0/24 or single addresses",
        { cause: err },
      );
    }
  }

  /**
   * The first list the event matches, or null. `asn` comes from geo-IP
   * enrichment; an address it could not resolve never matches the ASN list.
   */
  match(event: TokenEvent, asn: number | null = null): AllowlistName | null {
    if (this.tokens.has(event.token.fingerprint)) return "token";
    if (event.consumerId !== null && this.consumers.has(event.consumerId)) return "consumer";
    if (event.credentialId !== null && this.consumers.has(event.credentialId)) return "consumer";
    if (event.routeId !== null && this.routes.has(event.routeId)) return "route";
    if (asn !== null && this.asns.has(asn)) return "asn";
    if (this.cidrs.has(event.clientIp)) return "cidr";
    return null;
  }
}
