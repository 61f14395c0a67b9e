import { EVENT_MINUTES, minuteOf } from "./windows.js";

/**
 * Small per-minute counters (alternations, 401/403 responses) kept for the
 * last `EVENT_MINUTES` minutes behind the token's newest minute. A token
 * that never alternates or fails has none.
 */
export class MinuteCounters {
  private readonly counts = new Map<number, number>();

  /** Count one at `ts`, unless its minute is older than the retained ones. */
  add(ts: number, newestTs: number): void {
    const minute = minuteOf(ts);
    const floor = minuteOf(newestTs) - EVENT_MINUTES;
    if (minute < floor) return;

    this.counts.set(minute, (this.counts.get(minute) ?? 0) + 1);
    for (const kept of this.counts.keys()) {
      if (kept < floor) this.counts.delete(kept);
    }
  }

  /** Every retained minute with its count. */
  entries(): IterableIterator<[number, number]> {
    return this.counts.entries();
  }

  /** Put back a minute's count read from storage. */
  restore(minute: number, count: number): void {
    this.counts.set(minute, count);
  }

  /** The sum over the `minutes` minutes ending with `ts`'s minute, retained ones only. */
  sumAt(ts: number, minutes: number, newestTs: number | null): number {
    const current = minuteOf(ts);
    const floor = newestTs === null ? current : minuteOf(newestTs) - EVENT_MINUTES;
    let sum = 0;
    for (let minute = Math.max(current - minutes + 1, floor); minute <= current; minute++) {
      sum += this.counts.get(minute) ?? 0;
    }
    return sum;
  }
}
