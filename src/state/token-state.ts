import type { StateConfig } from "../config/schema.js";
import { HourProfile, type HourProfileSnapshot } from "./hour-profile.js";
import { formatGeoPoint, parseLocatedUse } from "./located-use.js";
import { MinuteCounters } from "./minute-counters.js";
import { RecencySet } from "./recency-set.js";
import { RequestTimeline } from "./request-timeline.js";
import type { TokenObservation, WindowStats } from "./token-state-store.js";
import { FIVE_MINUTES_MS, HOUR_MS, MAX_PLACES } from "./windows.js";

/**
 * Everything a `TokenState` holds but its revocation time, in plain values:
 * what the Redis store writes (encoded by token-snapshot.ts) and reads back.
 */
export interface TokenStateSnapshot {
  readonly firstSeen: number | null;
  readonly newestTs: number | null;
  readonly totalRequests: number;
  readonly buckets: ReadonlyArray<readonly [number, number]>;
  readonly networks: ReadonlyArray<readonly [string, number]>;
  readonly userAgents: ReadonlyArray<readonly [string, number]>;
  readonly asns: ReadonlyArray<readonly [string, number]>;
  readonly countries: ReadonlyArray<readonly [string, number]>;
  readonly hours: HourProfileSnapshot;
  readonly alternations: ReadonlyArray<readonly [number, number]>;
  readonly denied: ReadonlyArray<readonly [number, number]>;
  /** Per partition key, the highest applied offset. */
  readonly offsets: ReadonlyArray<readonly [string, number]>;
  readonly lastNetwork: string | null;
  readonly networkBefore: string | null;
  /** `lat,lon,km` (located-use.ts) of the newest located request, and its time. */
  readonly location: string | null;
  readonly locationTs: number | null;
  readonly browserRequests: number;
}

/**
 * One token's state and the rules that apply an observation to it: the one
 * implementation of the windows (see `windows.ts`). The memory store keeps
 * one per token; the Redis store rebuilds one from the stored snapshot,
 * applies the batch to it and writes the snapshot back, so both stores
 * answer alike by construction.
 */
export class TokenState {
  timeline = new RequestTimeline();
  readonly networks: RecencySet;
  readonly userAgents: RecencySet;
  readonly asns = new RecencySet(MAX_PLACES);
  readonly countries = new RecencySet(MAX_PLACES);

  private hours = new HourProfile();
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

  /** Rebuild a token's state from a snapshot (its revocation time is set apart). */
  static restore(config: StateConfig, snapshot: TokenStateSnapshot): TokenState {
    const state = new TokenState(config);
    state.timeline = RequestTimeline.restore(snapshot);
    const sets = [
      [state.networks, snapshot.networks],
      [state.userAgents, snapshot.userAgents],
      [state.asns, snapshot.asns],
      [state.countries, snapshot.countries],
    ] as const;
    for (const [set, members] of sets) {
      for (const [member, ts] of members) set.restore(member, ts);
    }
    state.hours = HourProfile.restore(snapshot.hours);
    for (const [minute, count] of snapshot.alternations) state.alternations.restore(minute, count);
    for (const [minute, count] of snapshot.denied) state.denied.restore(minute, count);
    for (const [partitionKey, offset] of snapshot.offsets) state.offsets.set(partitionKey, offset);
    state.lastNetwork = snapshot.lastNetwork;
    state.networkBefore = snapshot.networkBefore;
    state.location = snapshot.location;
    state.locationTs = snapshot.locationTs;
    state.browserRequests = snapshot.browserRequests;
    return state;
  }

  /** The state as plain values, for storage. */
  snapshot(): TokenStateSnapshot {
    return {
      firstSeen: this.timeline.firstSeen,
      newestTs: this.timeline.newestTs,
      totalRequests: this.timeline.totalRequests,
      buckets: [...this.timeline.buckets()],
      networks: [...this.networks.entries()],
      userAgents: [...this.userAgents.entries()],
      asns: [...this.asns.entries()],
      countries: [...this.countries.entries()],
      hours: this.hours.snapshot(),
      alternations: [...this.alternations.entries()],
      denied: [...this.denied.entries()],
      offsets: [...this.offsets.entries()],
      lastNetwork: this.lastNetwork,
      networkBefore: this.networkBefore,
      location: this.location,
      locationTs: this.locationTs,
      browserRequests: this.browserRequests,
    };
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

  /** Set the revocation time as stored apart from the snapshot (null: not revoked). */
  setRevokedAt(ts: number | null): void {
    this.revokedAt = ts;
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
