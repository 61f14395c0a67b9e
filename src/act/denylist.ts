import { ConfigError, DependencyError } from "../errors.js";
import type { RedisClient } from "../state/state-scripts.js";

/**
 * The Redis denylist gateways check before letting a request through.
 *
 * Layout, for prefix `D` (`revocations.denylistPrefix`, default `tw:deny:`)
 * and token fingerprint `F` (HMAC-SHA256 of the raw token under the
 * fingerprint key, first 16 bytes, base64url without padding):
 *
 * | Key           | Type   | Contents                                                   |
 * |---------------|--------|------------------------------------------------------------|
 * | `D<F>`        | string | JSON `DenylistEntry`; TTL until the token's expiry          |
 * | `D<F>:alerted`| string | `1` once `revocation_not_enforced` was raised for the token |
 *
 * A gateway needs only `EXISTS D<F>`: present means deny. The value is for
 * people and for tokenwatch's own enforcement check.
 *
 * Redis Cluster: the keys carry no hash tag (a gateway computes them from
 * the fingerprint alone), so any two of them, even a token's entry and its
 * `:alerted` mark, may sit in different slots. No command here names more
 * than one key; batches are sent as concurrent single-key commands, which
 * ioredis's auto-pipelining groups per node. None of these writes needs to
 * be atomic with another: each entry stands alone.
 */
export interface DenylistEntry {
  readonly v: 1;
  readonly decisionId: string;
  readonly ruleId: string;
  /** Event time of the deciding event, epoch ms: the grace period counts from here. */
  readonly revokedAt: number;
  /** The token's `exp` in epoch seconds, or null when unknown. */
  readonly denyUntil: number | null;
  /** Wall-clock time the entry was written, epoch ms. */
  readonly publishedAt: number;
}

/** An entry is kept at least this long, even for a token that has already expired. */
const MIN_TTL_MS = 60 * 60 * 1000;

/** Reads and writes denylist entries under one prefix. */
export class Denylist {
  constructor(
    private readonly redis: RedisClient,
    readonly prefix: string,
    /** Lifetime of an entry whose token has no known expiry. */
    private readonly defaultTtlMs: number,
  ) {
    if (prefix.includes("{") || prefix.includes("}")) {
      throw new ConfigError(
        `revocations.denylistPrefix "${prefix}" contains a brace; remove it, ` +
          "gateways compute the key without Redis Cluster hash tags",
      );
    }
  }

  key(tokenFp: string): string {
    return `${this.prefix}${tokenFp}`;
  }

  /** Lifetime of an entry: until the token expires, at least MIN_TTL_MS. */
  ttlMs(entry: DenylistEntry, now = Date.now()): number {
    if (entry.denyUntil === null) return this.defaultTtlMs;
    return Math.max(entry.denyUntil * 1000 - now, MIN_TTL_MS);
  }

  /**
   * Write the entries of one batch. Concurrent SETs rather than a pipeline:
   * on a Cluster a pipeline may only hold keys of one node, and issued in one
   * tick the SETs still leave in one write per connection.
   */
  async putMany(entries: ReadonlyArray<{ tokenFp: string; entry: DenylistEntry }>): Promise<void> {
    if (entries.length === 0) return;
    const writes = entries.map(({ tokenFp, entry }) =>
      this.redis.set(this.key(tokenFp), JSON.stringify(entry), "PX", this.ttlMs(entry)),
    );
    const results = await Promise.allSettled(writes);
    const failed = results.find((result) => result.status === "rejected");
    if (failed) {
      throw new DependencyError("DENYLIST_WRITE_FAILED", "writing the denylist failed", {
        cause: failed.reason,
      });
    }
  }

  async get(tokenFp: string): Promise<DenylistEntry | null> {
    return (await this.getMany([tokenFp]))[0] ?? null;
  }

  /**
   * Entries of many tokens; null where a token is not denied. One MGET on a
   * standalone server; on a Cluster one GET per key (an MGET over keys of
   * different slots is refused with CROSSSLOT), auto-pipelined per node.
   */
  async getMany(tokenFps: readonly string[]): Promise<(DenylistEntry | null)[]> {
    if (tokenFps.length === 0) return [];
    const keys = tokenFps.map((fp) => this.key(fp));
    const values = this.redis.isCluster
      ? await Promise.all(keys.map((key) => this.redis.get(key)))
      : await this.redis.mget(keys);
    return values.map((value) => (value === null ? null : parseEntry(value)));
  }

  /**
   * Remove a token's entry and its alert mark (manual un-revoke); true when
   * either key existed. Two DELs: the two keys may live in different slots.
   */
  async remove(tokenFp: string): Promise<boolean> {
    const removed = await Promise.all([
      this.redis.del(this.key(tokenFp)),
      this.redis.del(`${this.key(tokenFp)}:alerted`),
    ]);
    return removed[0] + removed[1] > 0;
  }

  /**
   * Mark that `revocation_not_enforced` was raised for a token; true only for
   * the first caller, so one alert per token across every process.
   */
  async markAlerted(tokenFp: string, ttlMs: number): Promise<boolean> {
    const ok = await this.redis.set(`${this.key(tokenFp)}:alerted`, "1", "PX", ttlMs, "NX");
    return ok === "OK";
  }
}

/** A value someone else wrote under the prefix still denies; only its details are unknown. */
function parseEntry(value: string): DenylistEntry {
  try {
    const parsed = JSON.parse(value) as DenylistEntry;
    if (typeof parsed.revokedAt === "number") return parsed;
  } catch {
    // Fall through: a foreign value is treated as "denied since forever".
  }
  return { v: 1, decisionId: "", ruleId: "", revokedAt: 0, denyUntil: null, publishedAt: 0 };
}
