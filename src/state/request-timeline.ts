import { minuteOf, RETAINED_MINUTES } from "./windows.js";

/** The request-rate part of `WindowStats`. */
export interface RequestRates {
  readonly requests1m: number;
  readonly requests5m: number;
  readonly requests1h: number;
  readonly minuteHistory: number[];
}

/** What a backend stores of a token's timeline; minute buckets are `[minute, count]`. */
export interface TimelineSnapshot {
  readonly firstSeen: number | null;
  readonly newestTs: number | null;
  readonly totalRequests: number;
  readonly buckets: Iterable<readonly [number, number]>;
}

/**
 * A token's request counts in one-minute buckets, plus its first and newest
 * event time and lifetime total. Both stores use this class for the rate
 * windows, inside `TokenState`.
 *
 * Window definitions, with `M = minute(ts)` and `N = minute(newest ts)`:
 * - retained buckets are `N − 60 … N`; a late event is counted only if its
 *   bucket is still retained, and buckets older than that never count;
 * - `requests1m` is bucket `M`; `requests5m` sums `M − 4 … M` and
 *   `requests1h` sums `M − 59 … M` (whole buckets, so each window reaches
 *   back up to one extra partial minute and includes requests later in `M`);
 * - `minuteHistory` is buckets `max(M − 60, minute(firstSeen), N − 60) … M − 1`,
 *   oldest first, with zeros for idle minutes.
 */
export class RequestTimeline {
  firstSeen: number | null = null;
  newestTs: number | null = null;
  totalRequests = 0;

  private readonly counts = new Map<number, number>();

  /** Rebuild a timeline from what a backend stored. */
  static restore(snapshot: TimelineSnapshot): RequestTimeline {
    const timeline = new RequestTimeline();
    timeline.firstSeen = snapshot.firstSeen;
    timeline.newestTs = snapshot.newestTs;
    timeline.totalRequests = snapshot.totalRequests;

    for (const [minute, count] of snapshot.buckets) {
      timeline.counts.set(minute, count);
    }
    return timeline;
  }

  /** The retained minute buckets, `[minute, count]`. */
  buckets(): IterableIterator<[number, number]> {
    return this.counts.entries();
  }

  /** Count one request at event time `ts` (already known not to be a duplicate). */
  record(ts: number): void {
    const previousNewest = this.newestTs;
    this.totalRequests += 1;
    this.firstSeen = this.firstSeen === null ? ts : Math.min(this.firstSeen, ts);
    this.newestTs = previousNewest === null ? ts : Math.max(previousNewest, ts);

    const minute = minuteOf(ts);
    const floor = this.retainedFloor();
    if (minute >= floor) {
      this.counts.set(minute, (this.counts.get(minute) ?? 0) + 1);
    }

    // Stale buckets never count (every read is bounded by the floor), so
    // trimming only bounds memory: at most one bucket beyond the hour.
    if (this.counts.size > RETAINED_MINUTES + 1) {
      this.trimBelow(floor);
    }
  }

  /** The rate windows as of event time `ts`. */
  ratesAt(ts: number): RequestRates {
    const current = minuteOf(ts);
    const floor = this.newestTs === null ? current : this.retainedFloor();
    const firstMinute = this.firstSeen === null ? current : minuteOf(this.firstSeen);
    const historyStart = Math.max(current - RETAINED_MINUTES, firstMinute, floor);

    const minuteHistory: number[] = [];
    let requests5m = 0;
    let requests1h = 0;

    for (let minute = Math.max(current - RETAINED_MINUTES, floor); minute <= current; minute++) {
      const count = this.counts.get(minute) ?? 0;

      if (minute >= historyStart && minute < current) minuteHistory.push(count);
      if (minute > current - 60) requests1h += count;
      if (minute > current - 5) requests5m += count;
    }

    const requests1m = current >= floor ? (this.counts.get(current) ?? 0) : 0;
    return { requests1m, requests5m, requests1h, minuteHistory };
  }

  /** The oldest minute bucket still retained. */
  private retainedFloor(): number {
    return minuteOf(this.newestTs ?? 0) - RETAINED_MINUTES;
  }

  private trimBelow(floor: number): void {
    for (const minute of this.counts.keys()) {
      if (minute < floor) this.counts.delete(minute);
    }
  }
}
