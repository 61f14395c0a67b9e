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
  readonly networkKey: (clientIp: string) => string;
  readonly userAgents: UserAgentFamilies;
  readonly geo: GeoIp | null;
  /** Distinct addresses whose geo facts are cached (default 50,000). */
  readonly maxCached?: number;
}

const UNKNOWN_GEO: GeoFacts = { asn: null, country: null, location: null };

/**
 * The enrich step of the pipeline: network key, user-agent family, and the
 * geo-IP facts of the client address. Lookups are cached per address
 * because a gateway's clients repeat; the cache is dropped whole when full,
 * which is cheaper than tracking recency and costs one lookup per address.
 */
export class EventEnricher {
  private readonly geoCache = new Map<string, GeoFacts>();
  private readonly maxCached: number;

  constructor(private readonly parts: EnricherParts) {
    this.maxCached = parts.maxCached ?? 50_000;
  }

  facts(event: CanonicalEvent): EventFacts {
    const agent = this.parts.userAgents.describe(event.userAgent);
    const geo = this.geoOf(event.clientIp);
    return {
      network: this.parts.networkKey(event.clientIp),
      userAgentFamily: agent.family,
      browser: agent.browser,
      ...geo,
    };
  }

  private geoOf(ip: string): GeoFacts {
    const { geo } = this.parts;
    if (!geo) return UNKNOWN_GEO;

    const cached = this.geoCache.get(ip);
    if (cached) return cached;

    const facts = geo.lookup(ip);
    if (this.geoCache.size >= this.maxCached) this.geoCache.clear();
    this.geoCache.set(ip, facts);
    return facts;
  }
}
