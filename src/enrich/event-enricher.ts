import type { CanonicalEvent } from "../ingest/canonical-event.js";
import type { GeoPoint } from "../state/token-state-store.js";
import type { GeoFacts, GeoIp } from "./geo-ip.js";
import type { UserAgentFamilies } from "./user-agent-family.js";

/** What enrichment adds to one event before its token's state is updated. */
export interface EventFacts {
  /** Network key as the state counts it: IPv4 address, or the configured IPv6 prefix. */
  readonly network: string;
  readonly userAgentFamily: string;
  readonly browser: boolean;
  readonly asn: number | null;
  readonly country: string | null;
  readonly location: GeoPoint | null;
}

/** The parts enrichment is built from; `geo` null disables geo-IP lookups. */
export interface EnricherParts {
  /** Must depend on the address alone: its result is cached per address. */
  readonly networkKey: (clientIp: string) => string;
  readonly userAgents: UserAgentFamilies;
  readonly geo: GeoIp | null;
  /** Distinct addresses whose network key and geo facts are cached (default 50,000). */
  readonly maxCached?: number;
}

const UNKNOWN_GEO: GeoFacts = { asn: null, country: null, location: null };

/** What enrichment knows of one client address: its network key and geo facts. */
type AddressFacts = GeoFacts & { readonly network: string };

/**
 * The enrich step of the pipeline: network key, user-agent family, and the
 * geo-IP facts of the client address. Address facts are cached per address
 * because a gateway's clients repeat; the cache is dropped whole when full,
 * which is cheaper than tracking recency and costs one lookup per address.
 */
export class EventEnricher {
  private readonly addressCache = new Map<string, AddressFacts>();
  private readonly maxCached: number;

  constructor(private readonly parts: EnricherParts) {
    this.maxCached = parts.maxCached ?? 50_000;
  }

  facts(event: CanonicalEvent): EventFacts {
    const agent = this.parts.userAgents.describe(event.userAgent);
    const address = this.addressOf(event.clientIp);
    return {
      network: address.network,
      userAgentFamily: agent.family,
      browser: agent.browser,
      asn: address.asn,
      country: address.country,
      location: address.location,
    };
  }

  private addressOf(ip: string): AddressFacts {
    const cached = this.addressCache.get(ip);
    if (cached) return cached;

    const { geo } = this.parts;
    const facts = { network: this.parts.networkKey(ip), ...(geo ? geo.lookup(ip) : UNKNOWN_GEO) };
    if (this.addressCache.size >= this.maxCached) this.addressCache.clear();
    this.addressCache.set(ip, facts);
    return facts;
  }
}
