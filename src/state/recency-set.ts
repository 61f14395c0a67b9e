/**
 * A bounded set of members (client networks, user-agent families, ASNs,
 * countries) with the event time each was last seen.
 *
 * When full, the least recently seen member is evicted; ties are broken by
 * the member's UTF-8 bytes, so the choice does not depend on insertion
 * order, which a snapshot read back from Redis does not keep.
 */
export class RecencySet {
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  /** How many members are remembered. */
  get size(): number {
    return this.lastSeen.size;
  }

  /** The last-seen time of `member`, or `null` when it is not remembered. */
  lastSeenOf(member: string): number | null {
    return this.lastSeen.get(member) ?? null;
  }

  /**
   * Record `member` at event time `ts`. A late event never moves last-seen
   * backwards. Evicts down to capacity, which may evict this very member when
   * it is new and older than everything else.
   */
  touch(member: string, ts: number): void {
    const previous = this.lastSeen.get(member);
    if (previous !== undefined && previous >= ts) return;

    this.lastSeen.set(member, ts);
    if (previous !== undefined) return;

    while (this.lastSeen.size > this.capacity) {
      this.evictOldest();
    }
  }

  /** Every member with its last-seen time, in no particular order. */
  entries(): IterableIterator<[string, number]> {
    return this.lastSeen.entries();
  }

  /** Put back a member read from storage, as it was (no eviction: it was within capacity). */
  restore(member: string, ts: number): void {
    this.lastSeen.set(member, ts);
  }

  /** Members last seen strictly after `since`. */
  countSeenAfter(since: number): number {
    let count = 0;
    for (const ts of this.lastSeen.values()) {
      if (ts > since) count += 1;
    }
    return count;
  }

  private evictOldest(): void {
    let oldest: string | null = null;
    let oldestTs = Number.POSITIVE_INFINITY;

    for (const [member, ts] of this.lastSeen) {
      if (ts < oldestTs || (ts === oldestTs && oldest !== null && byteOrder(member, oldest) < 0)) {
        oldest = member;
        oldestTs = ts;
      }
    }
    if (oldest !== null) this.lastSeen.delete(oldest);
  }
}

/** Compare like Redis (memcmp of UTF-8 bytes), which differs from `<` beyond the BMP. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
