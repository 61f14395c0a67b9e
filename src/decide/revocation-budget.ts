import { createHash } from "node:crypto";
import type { ChainableCommander } from "ioredis";
import { DependencyError } from "../errors.js";
import type { RedisClient } from "../state/state-scripts.js";

/** Which budget ran out; the `scope` of a revocation storm. */
export type BudgetScope = "global" | "consumer";

/** Whether a revocation may go ahead, and if not, whether this is the first refusal. */
export type BudgetVerdict =
  | { readonly granted: true }
  | {
      readonly granted: false;
      readonly scope: BudgetScope;
      readonly limit: number;
      /** Minute window (epoch ms of its start) that ran out. */
      readonly windowStart: number;
      /** True for the first refusal of this scope in this window, over all processes. */
      readonly firstRefusal: boolean;
    };

export interface BudgetLimits {
  /** Revocations per minute over everything; 0 disables the global budget. */
  readonly perMinute: number;
  /** Revocations per minute per consumer; 0 disables it. */
  readonly perConsumerPerMinute: number;
}

/**
 * The revocation budget: at most N revocations per minute globally and per
 * known consumer (revocations without a consumer id count only globally).
 * A rule gone wrong (a new gateway field, a mis-set threshold) can
 * otherwise revoke every token in minutes; past the budget tokenwatch keeps
 * alerting but stops revoking, and raises one storm alert per window.
 */
export interface RevocationBudget {
  /**
   * Take a slot for one revocation. A null consumer counts only against the
   * global budget: gateways that log no consumer id (APISIX, Envoy, Traefik
   * with JWTs) would otherwise put every token in one consumer's budget.
   */
  take(consumerId: string | null, now: number): Promise<BudgetVerdict>;
  /** Give a slot back (the revocation did not happen after all). */
  refund(consumerId: string | null, now: number): Promise<void>;
}

const MINUTE = 60_000;

function consumerTag(consumerId: string): string {
  // Hashed: consumer ids are free text of any length; the key should not be.
  return createHash("sha256").update(consumerId).digest("base64url").slice(0, 16);
}

/**
 * The budget shared by all processes through Redis: fixed one-minute windows
 * (wall clock), one counter per scope and window, under one hash tag
 * (`{budget}`) so a MULTI can touch them in Redis Cluster: the global and
 * the consumer counter must move together, and a MULTI over keys of two
 * slots is refused with CROSSSLOT. The storm marks share the tag too. All
 * budget keys therefore live on one master — a few commands per revocation,
 * never per event, so that node's extra load is negligible.
 *
 * Both counters are incremented together; when either passes its limit both
 * are given back. Two processes racing at the limit may then both be refused
 * where one could have gone ahead — the budget errs on the side of not
 * revoking, never of revoking more than N.
 */
export class RedisRevocationBudget implements RevocationBudget {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly limits: BudgetLimits,
  ) {}

  private keys(consumerId: string | null, now: number) {
    const window = Math.floor(now / MINUTE);
    const base = `${this.prefix}{budget}:${window}`;
    return {
      windowStart: window * MINUTE,
      global: `${base}:g`,
      consumer: consumerId === null ? null : `${base}:c:${consumerTag(consumerId)}`,
      storm: (scope: BudgetScope) => `${base}:storm:${scope}`,
    };
  }

  async take(consumerId: string | null, now: number): Promise<BudgetVerdict> {
    const keys = this.keys(consumerId, now);
    const multi = this.redis
      .multi()
      .incr(keys.global)
      .pexpire(keys.global, 2 * MINUTE);
    if (keys.consumer) multi.incr(keys.consumer).pexpire(keys.consumer, 2 * MINUTE);
    const replies = await this.exec(multi);
    const global = Number(replies[0]);
    const consumer = keys.consumer ? Number(replies[2]) : 0;

    const { perMinute, perConsumerPerMinute } = this.limits;
    let scope: BudgetScope | null = null;
    if (perMinute > 0 && global > perMinute) scope = "global";
    else if (perConsumerPerMinute > 0 && consumer > perConsumerPerMinute) scope = "consumer";
    if (scope === null) return { granted: true };

    await this.refund(consumerId, now);
    const stormKey =
      scope === "global"
        ? keys.storm("global")
        : `${keys.storm("consumer")}:${consumerTag(consumerId ?? "")}`;
    const first = await this.redis.set(stormKey, "1", "PX", 2 * MINUTE, "NX");
    const limit = scope === "global" ? perMinute : perConsumerPerMinute;
    return {
      granted: false,
      scope,
      limit,
      windowStart: keys.windowStart,
      firstRefusal: first === "OK",
    };
  }

  async refund(consumerId: string | null, now: number): Promise<void> {
    const keys = this.keys(consumerId, now);
    const multi = this.redis.multi().decr(keys.global);
    if (keys.consumer) multi.decr(keys.consumer);
    await this.exec(multi);
  }

  private async exec(multi: ChainableCommander): Promise<unknown[]> {
    let results: [Error | null, unknown][] | null;
    try {
      results = await multi.exec();
    } catch (err) {
      throw new DependencyError("BUDGET_UNAVAILABLE", "the revocation budget is unreachable", {
        cause: err,
      });
    }
    return (results ?? []).map(([, reply]) => reply);
  }
}

/** The same budget in process memory, for replay and tests. */
export class MemoryRevocationBudget implements RevocationBudget {
  private readonly counts = new Map<string, number>();
  private readonly storms = new Set<string>();

  constructor(private readonly limits: BudgetLimits) {}

  async take(consumerId: string | null, now: number): Promise<BudgetVerdict> {
    const window = Math.floor(now / MINUTE);
    const globalKey = `${window}:g`;
    const consumerKey = consumerId === null ? null : `${window}:c:${consumerId}`;
    const global = (this.counts.get(globalKey) ?? 0) + 1;
    const consumer = consumerKey === null ? 0 : (this.counts.get(consumerKey) ?? 0) + 1;

    const { perMinute, perConsumerPerMinute } = this.limits;
    let scope: BudgetScope | null = null;
    if (perMinute > 0 && global > perMinute) scope = "global";
    else if (perConsumerPerMinute > 0 && consumer > perConsumerPerMinute) scope = "consumer";
    if (scope === null) {
      this.counts.set(globalKey, global);
      if (consumerKey !== null) this.counts.set(consumerKey, consumer);
      this.forgetOld(window);
      return { granted: true };
    }

    const stormKey = scope === "global" ? globalKey : (consumerKey ?? globalKey);
    const firstRefusal = !this.storms.has(stormKey);
    this.storms.add(stormKey);
    const limit = scope === "global" ? perMinute : perConsumerPerMinute;
    return { granted: false, scope, limit, windowStart: window * MINUTE, firstRefusal };
  }

  async refund(consumerId: string | null, now: number): Promise<void> {
    const window = Math.floor(now / MINUTE);
    const keys = [`${window}:g`];
    if (consumerId !== null) keys.push(`${window}:c:${consumerId}`);
    for (const key of keys) {
      const count = this.counts.get(key);
      if (count) this.counts.set(key, count - 1);
    }
  }

  /** Replay runs through days of windows; keep only the current one. */
  private forgetOld(window: number): void {
    for (const key of this.counts.keys()) {
      if (!key.startsWith(`${window}:`)) this.counts.delete(key);
    }
    for (const key of this.storms) {
      if (!key.startsWith(`${window}:`)) this.storms.delete(key);
    }
  }
}
