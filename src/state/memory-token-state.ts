import type { StateConfig } from "../config/schema.js";
import { HourProfile } from "./hour-profile.js";
import { formatGeoPoint, parseLocatedUse } from "./located-use.js";
import { MinuteCounters } from "./minute-counters.js";
import { RecencySet } from "./recency-set.js";
import { RequestTimeline } from "./request-timeline.js";
import type { TokenObservation, WindowStats } from "./token-state-store.js";
import { FIVE_MINUTES_MS, HOUR_MS, MAX_PLACES } from "./windows.js";

/**
 * One token's state in the memory store: the same facts the Redis keys hold
 * (see `state-keys.ts`), applied by the same rules as `observe-2.lua`, step
 * for step, so both stores answer alike.
 */
export class MemoryTokenState {
  readonly timeline = new RequestTimeline();
  readonly networks: RecencySet;
  readonly userAgents: RecencySet;
  readonly asns = new RecencySet(MAX_PLACES);
  readonly countries = new RecencySet(MAX_PLACES);

  private readonly hours = new HourProfile();
  private readonly alternations = new MinuteCounters();
  private readonly denied = new MinuteCounters();
  private readonly offsets = new Map<string, number>();

  private lastNetwork: string | null = null;
  private networkBefore: string | null = null;
  private location: string | null = null;
  private locationTs: number | null = null;
  private browserRequests = 0;
  private revokedAt: number | null = null;

  constructor(config: StateConfig) {
    this.networks = new RecencySet(config.maxNetworks);
    this.userAgents = new RecencySet(config.maxUserAgents);
  }

  /** Apply one observation (unless it is a redelivery) and report its statistics. */
  observe(observation: TokenObservation): WindowStats {
    const { ts, network, userAgent, status } = observation;
    const asn = observation.asn == null ? null : String(observation.asn);
    const country = observation.country ?? null;

    const afterRevocation =
      this.revokedAt !== null && ts >= this.revokedAt && (status === 401 || status === 403);
    const duplicate = !afterRevocation && this.isDuplicate(observation);
    const applied = !duplicate && !afterRevocation;

    const networkLastSeen = this.networks.lastSeenOf(network);
    const agentLastSeen = this.userAgents.lastSeenOf(userAgent);
    const asnKnown = asn === null || this.asns.lastSeenOf(asn) !== null;
    const countryKnown = country === null || this.countries.lastSeenOf(country) !== null;
    const knownAsns = this.asns.size;
    const knownCountries = this.countries.size;
    const previousLocation = parseLocatedUse(this.location, this.locationTs);

    if (applied) this.hours.decayTo(ts);
    const hourReading = this.hours.read(ts);
    if (applied) this.apply(observation, asn, country);

    const newest = this.timeline.newestTs;
    return {
      duplicate,
      ...this.timeline.ratesAt(ts),
      networks5m: this.networks.countSeenAfter(ts - FIVE_MINUTES_MS),
      networks1h: this.networks.countSeenAfter(ts - HOUR_MS),
      userAgents1h: this.userAgents.countSeenAfter(ts - HOUR_MS),
      networkSeenBefore: seenWithinHour(networkLastSeen, ts),
      userAgentSeenBefore: seenWithinHour(agentLastSeen, ts),
      ...hourReading,
      userAgentKnown: agentLastSeen !== null,
      asns5m: this.asns.countSeenAfter(ts - FIVE_MINUTES_MS),
      asns1h: this.asns.countSeenAfter(ts - HOUR_MS),
      countries1h: this.countries.countSeenAfter(ts - HOUR_MS),
      asnKnown,
      countryKnown,
      knownAsns,
      knownCountries,
      alternations10m: this.alternations.sumAt(ts, 10, newest),
      denied5m: this.denied.sumAt(ts, 5, newest),
      browserRequests: this.browserRequests,
      afterRevocation,
      revokedAt: this.revokedAt ?? 0,
      previousLocation,
      totalRequests: this.timeline.totalRequests,
      firstSeen: this.timeline.firstSeen ?? ts,
    };
  }

  /** The newest event time applied, or null before the first. */
  get newestTs(): number | null {
    return this.timeline.newestTs;
  }

  /** Remember the revocation time; the first one wins. */
  markRevoked(ts: number): void {
    this.revokedAt ??= ts;
  }

  /** Event time of the token's revocation, or null when not revoked. */
  get revokedAtTs(): number | null {
    return this.revokedAt;
  }

  /** Forget the revocation (an operator withdrew it): a later one is recorded afresh. */
  clearRevoked(): void {
    this.revokedAt = null;
  }

  private apply(observation: TokenObservation, asn: string | null, country: string | null): void {
    const { ts, network, userAgent, status } = observation;
    const inOrder = this.timeline.newestTs === null || ts >= this.timeline.newestTs;

    this.timeline.record(ts);
    const newest = this.timeline.newestTs ?? ts;
    this.networks.touch(network, ts);
    this.userAgents.touch(userAgent, ts);
    if (asn !== null) this.asns.touch(asn, ts);
    if (country !== null) this.countries.touch(country, ts);
    this.hours.record(ts);
    if (observation.browser) this.browserRequests += 1;
    if (status === 401 || status === 403) this.denied.add(ts, newest);

    if (inOrder && network !== this.lastNetwork) {
      if (network === this.networkBefore) this.alternations.add(ts, newest);
      this.networkBefore = this.lastNetwork;
      this.lastNetwork = network;
    }

    const located = observation.location;
    if (located && (this.locationTs === null || ts >= this.locationTs)) {
      this.location = formatGeoPoint(located);
      this.locationTs = ts;
    }
  }

  // Per partition, the highest applied offset; at or below it is a redelivery.
  private isDuplicate({ partitionKey, offset }: TokenObservation): boolean {
    if (offset === null) return false;

    const applied = this.offsets.get(partitionKey);
    if (applied !== undefined && offset <= applied) return true;

    this.offsets.set(partitionKey, offset);
    return false;
  }
}

// Only last-seen is kept, so for a late event a member seen after it counts as seen.
function seenWithinHour(lastSeen: number | null, ts: number): boolean {
  return lastSeen !== null && lastSeen > ts - HOUR_MS;
}
