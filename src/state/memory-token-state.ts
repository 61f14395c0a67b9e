import type { StateConfig } from "../config/schema.js";
import { RecencySet } from "./recency-set.js";
import { RequestTimeline } from "./request-timeline.js";
import type { TokenObservation, WindowStats } from "./token-state-store.js";
import { FIVE_MINUTES_MS, HOUR_MS, hourOfDayOf } from "./windows.js";

/**
 * One token's state in the memory store: the same facts the Redis keys hold
 * (see `state-keys.ts`), applied by the same rules as `observe-4.lua`, step
 * for step, so both stores answer alike.
 */
export class MemoryTokenState {
  readonly timeline = new RequestTimeline();
  readonly networks: RecencySet;
  readonly userAgents: RecencySet;

  private readonly hours: number[] = new Array<number>(24).fill(0);
  private readonly offsets = new Map<string, number>();

  constructor(config: StateConfig) {
    this.networks = new RecencySet(config.maxNetworks);
    this.userAgents = new RecencySet(config.maxUserAgents);
  }

  /** Apply one observation (unless it is a redelivery) and report its statistics. */
  observe(observation: TokenObservation): WindowStats {
    const { ts, network, userAgent } = observation;
    const duplicate = this.isDuplicate(observation);
    const hour = hourOfDayOf(ts);

    const networkSeenBefore = seenWithinHour(this.networks.lastSeenOf(network), ts);
    const userAgentSeenBefore = seenWithinHour(this.userAgents.lastSeenOf(userAgent), ts);

    if (!duplicate) {
      this.timeline.record(ts);
      this.networks.touch(network, ts);
      this.userAgents.touch(userAgent, ts);
      this.hours[hour] = (this.hours[hour] ?? 0) + 1;
    }

    return {
      duplicate,
      ...this.timeline.ratesAt(ts),
      networks5m: this.networks.countSeenAfter(ts - FIVE_MINUTES_MS),
      networks1h: this.networks.countSeenAfter(ts - HOUR_MS),
      userAgents1h: this.userAgents.countSeenAfter(ts - HOUR_MS),
      networkSeenBefore,
      userAgentSeenBefore,
      hourOfDayCount: this.hours[hour] ?? 0,
      totalRequests: this.timeline.totalRequests,
      firstSeen: this.timeline.firstSeen ?? ts,
    };
  }

  /** The newest event time applied, or null before the first. */
  get newestTs(): number | null {
    return this.timeline.newestTs;
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
