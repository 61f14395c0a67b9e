import type { StateConfig } from "../config/schema.js";
import { ConfigError, DependencyError } from "../errors.js";
import { isRedisReady, pingRedis } from "./redis-client.js";
import {
  redisFailure,
  StateSnapshotError,
  scriptStatusError,
  withAppliedEntries,
} from "./state-errors.js";
import {
  checkNonNegative,
  checkObservation,
  checkPositiveDuration,
  checkStateConfig,
  checkTokenFp,
} from "./state-input.js";
import { StateKeys, type TokenKeys } from "./state-keys.js";
import {
  defineStateCommands,
  type RedisClient,
  type StateBulk,
  type StateCommands,
  statePipeline,
} from "./state-scripts.js";
import {
  decodeSnapshot,
  encodeSnapshot,
  nextVersion,
  type VersionedSnapshot,
} from "./token-snapshot.js";
import { TokenState } from "./token-state.js";
import type {
  EgressUse,
  RevocationClaim,
  RevocationClaimState,
  RevocationStatus,
  TokenObservation,
  TokenStateStore,
  WindowStats,
} from "./token-state-store.js";
import { EGRESS_CAP, EGRESS_TTL_MS } from "./windows.js";

/** Options of `RedisTokenStateStore`. */
export interface RedisStoreOptions {
  /** Quit the client on `close()` (default true: the store owns its connection). */
  readonly quitOnClose?: boolean;
  /**
   * A token's stored state could not be read (not a snapshot, or not a
   * string): it was kept under `keptAs` and the token starts afresh.
   */
  readonly onUnreadable?: (tokenFp: string, keptAs: string, reason: string) => void;
  /** Writes that lost the compare-and-set to another process and were applied again. */
  readonly onConflicts?: (count: number) => void;
}

type ObserveBatch = ReadonlyArray<{
  tokenFp: string;
  observations: readonly TokenObservation[];
}>;

/**
 * Tokens per command on a single server: enough to make the client's cost
 * per token small, few enough that one script call holds Redis for about a
 * millisecond.
 */
const CHUNK = 250;

/** How often a token's read-apply-write is tried while other processes keep writing it. */
const WRITE_ATTEMPTS = 8;

/** One token of a batch on its way through read, apply and write. */
interface PendingToken {
  readonly tokenFp: string;
  readonly keys: TokenKeys;
  /** The batch entries of this token, in batch order: index and observations. */
  readonly entries: Array<{ index: number; observations: readonly TokenObservation[] }>;
}

/** A token's write: the version and revocation time it read, and its new snapshot. */
interface PendingWrite {
  readonly token: PendingToken;
  readonly args: [version: string, revokedAt: string, snapshot: string];
}

/**
 * Per-token state in Redis (standalone or Cluster), one key per token (see
 * `state-keys.ts`). `observeMany` reads every token of the batch in one
 * round trip, applies each token's observations in Node with the same
 * `TokenState` the embedded store uses, and writes each changed token back
 * with a compare-and-set (store-states-n.lua) in a second round trip. A token
 * another process wrote in between is read and applied again, so each
 * token's update is atomic and single-slot. On a standalone server each
 * round trip is one pipeline; on a Cluster, concurrent calls, which
 * ioredis's `enableAutoPipelining` groups into one pipeline per node.
 *
 * Atomicity is per token, not per batch: when one token's write fails, the
 * tokens written before it stay applied and the call throws. The caller
 * retries the batch; offsets make the retry count nothing twice
 * (observations without an offset are counted again).
 */
export class RedisTokenStateStore implements TokenStateStore {
  private readonly client: RedisClient & StateCommands;
  private readonly keys: StateKeys;
  private readonly quitOnClose: boolean;
  private readonly hooks: RedisStoreOptions;
  private closed = false;

  constructor(
    client: RedisClient,
    private readonly config: StateConfig,
    keyPrefix: string,
    options: RedisStoreOptions = {},
  ) {
    checkStateConfig(config);
    // ioredis would prepend its own keyPrefix to every KEYS[i] a second time.
    if ((client.options as { keyPrefix?: string }).keyPrefix) {
      throw new ConfigError(
        "pass the key prefix to the store, not as the ioredis keyPrefix option",
      );
    }
    this.keys = new StateKeys(keyPrefix);
    this.client = defineStateCommands(client);
    this.quitOnClose = options.quitOnClose ?? true;
    this.hooks = options;
  }

  async observe(
    tokenFp: string,
    observations: readonly TokenObservation[],
  ): Promise<WindowStats[]> {
    const [stats = []] = await this.observeMany([{ tokenFp, observations }]);
    return stats;
  }

  async observeMany(batch: ObserveBatch): Promise<WindowStats[][]> {
    const results: WindowStats[][] = batch.map(() => []);
    // A token listed twice is one read and one write, its entries applied in order.
    const byToken = new Map<string, PendingToken>();
    for (const [index, entry] of batch.entries()) {
      checkTokenFp(entry.tokenFp);
      for (const observation of entry.observations) checkObservation(observation);
      if (entry.observations.length === 0) continue;
      let token = byToken.get(entry.tokenFp);
      if (!token) {
        token = { tokenFp: entry.tokenFp, keys: this.keys.forToken(entry.tokenFp), entries: [] };
        byToken.set(entry.tokenFp, token);
      }
      token.entries.push({ index, observations: entry.observations });
    }
    let pending = [...byToken.values()];
    const applied = new Set<number>(batch.keys());
    for (const token of pending) for (const { index } of token.entries) applied.delete(index);

    try {
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > WRITE_ATTEMPTS) {
          throw new DependencyError(
            "STATE_WRITE_CONTENDED",
            `observe: ${pending.length} token(s) changed by other processes on each of ` +
              `${WRITE_ATTEMPTS} attempts`,
          );
        }
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, attempt * 5));
        const retry = new Set(await this.applyOnce(pending, results));
        for (const token of pending) {
          if (!retry.has(token)) for (const { index } of token.entries) applied.add(index);
        }
        pending = [...retry];
      }
    } catch (err) {
      // The tokens already written stay written; say which, so a retry can keep their answers.
      throw withAppliedEntries(
        err instanceof Error ? err : redisFailure("observe", err),
        results.map((stats, index) => (applied.has(index) ? stats : null)),
      );
    }
    return results;
  }

  /**
   * Read, apply and write `pending` once; fills `results` for the tokens
   * written (or left unchanged) and returns those another process changed
   * in between.
   */
  private async applyOnce(
    pending: readonly PendingToken[],
    results: WindowStats[][],
  ): Promise<PendingToken[]> {
    const stored = await this.readAll(pending);

    const writes: PendingWrite[] = [];
    const unreadable: Array<{ token: PendingToken; text: string; reason: string }> = [];
    for (const [i, token] of pending.entries()) {
      const [text, revokedAt] = stored[i] as [string | null, string | null];
      let read: VersionedSnapshot | null = null;
      try {
        read = text === null ? null : decodeSnapshot(text);
      } catch (err) {
        if (!(err instanceof StateSnapshotError)) throw err;
        unreadable.push({ token, text: text as string, reason: err.message });
        continue;
      }
      const state = read
        ? TokenState.restore(this.config, read.state)
        : new TokenState(this.config);
      state.setRevokedAt(revokedAt === null ? null : Number(revokedAt));

      let applied = false;
      for (const { index, observations } of token.entries) {
        const stats = observations.map((observation) => state.observe(observation));
        results[index] = stats;
        applied ||= stats.some((s) => !s.duplicate && !s.afterRevocation);
      }
      if (!applied) continue;

      const version = read?.version ?? 0;
      writes.push({
        token,
        args: [
          String(version),
          revokedAt ?? "",
          encodeSnapshot(nextVersion(version), state.snapshot()),
        ],
      });
    }

    const statuses = await this.writeAll(writes);
    const conflicts = writes.filter((_, i) => statuses[i] === 0).map((write) => write.token);
    if (conflicts.length > 0) this.hooks.onConflicts?.(conflicts.length);
    for (const [i, write] of writes.entries()) {
      if (statuses[i] === 2) {
        unreadable.push({
          token: write.token,
          text: "",
          reason: "stored token state is not a string",
        });
      }
    }
    await this.setAside(unreadable);
    return [...conflicts, ...unreadable.map(({ token }) => token)];
  }

  /**
   * Keep each unreadable state under `<key>:unreadable` (state TTL) and tell
   * the operator, so the token starts afresh on the next attempt instead of
   * stopping its partition for good.
   */
  private async setAside(
    unreadable: ReadonlyArray<{ token: PendingToken; text: string; reason: string }>,
  ): Promise<void> {
    if (unreadable.length === 0) return;
    const ttl = String(this.config.ttlMs);
    const moved = await this.sendAll("observe", unreadable, (target, { token, text }) =>
      target.twSetAside(token.keys.state, this.keys.keptAside(token.tokenFp), text, ttl),
    );
    // 0: another process set it aside first, or wrote a good state meanwhile.
    for (const [i, { token, reason }] of unreadable.entries()) {
      if (moved[i] !== 1) continue;
      this.hooks.onUnreadable?.(token.tokenFp, this.keys.keptAside(token.tokenFp), reason);
    }
  }

  /**
   * Each token's snapshot and revocation time, in one round trip: on a single
   * server one MGET per chunk of tokens, since one command is far cheaper
   * for the client than one per token; on a Cluster, which refuses a command
   * across slots, one per token (its two keys share a slot).
   */
  private async readAll(
    pending: readonly PendingToken[],
  ): Promise<[string | null, string | null][]> {
    const replies = (await this.sendAll("observe", this.chunks(pending), (target, chunk) =>
      target.mget(...chunk.flatMap((token) => [token.keys.state, token.keys.revoked])),
    )) as (string | null)[][];
    const out: [string | null, string | null][] = [];
    for (const values of replies) {
      for (let i = 0; i < values.length; i += 2)
        out.push([values[i] ?? null, values[i + 1] ?? null]);
    }
    return out;
  }

  /** Write the snapshots with their compare-and-set, chunked as `readAll`; a status per write. */
  private async writeAll(writes: readonly PendingWrite[]): Promise<number[]> {
    const ttl = String(this.config.ttlMs);
    const replies = await this.sendAll("observe", this.chunks(writes), (target, chunk) => {
      const keys = chunk.flatMap(({ token }) => [token.keys.state, token.keys.revoked]);
      const args = chunk.flatMap((write) => write.args);
      const [state, revoked] = keys as [string, string];
      return this.isCluster()
        ? target.twStoreState(state, revoked, ttl, ...args)
        : target.twStoreStates(keys.length, ...keys, ttl, ...args);
    });
    return replies.flatMap((reply) => {
      if (!Array.isArray(reply)) throw scriptStatusError("observe", Number(reply));
      return reply as number[];
    });
  }

  /** Tokens grouped for one command each: chunks on a single server, one by one on a Cluster. */
  private chunks<T>(items: readonly T[]): T[][] {
    const size = this.isCluster() ? 1 : CHUNK;
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }

  async claimCooldown(
    tokenFp: string,
    ruleId: string,
    ts: number,
    cooldownMs: number,
    decisionId: string,
  ): Promise<boolean> {
    checkNonNegative("ts", ts);
    checkNonNegative("cooldownMs", cooldownMs);
    const key = this.keys.forToken(tokenFp).cooldowns;
    const keyTtl = Math.max(this.config.ttlMs, cooldownMs);

    let status: number;
    try {
      status = await this.client.twClaimCooldown(key, ruleId, ts, cooldownMs, decisionId, keyTtl);
    } catch (err) {
      throw redisFailure("claimCooldown", err);
    }

    if (status < 0) throw scriptStatusError("claimCooldown", status);
    return status > 0;
  }

  async claimRevocation(
    tokenFp: string,
    decisionId: string,
    ttlMs: number,
  ): Promise<RevocationClaim> {
    checkPositiveDuration("revocation ttlMs", ttlMs);
    const key = this.keys.forToken(tokenFp).revocation;

    let reply: Awaited<ReturnType<StateCommands["twClaimRevocation"]>>;
    try {
      reply = await this.client.twClaimRevocation(key, decisionId, ttlMs);
    } catch (err) {
      throw redisFailure("claimRevocation", err);
    }

    if (typeof reply === "number") throw scriptStatusError("claimRevocation", reply);
    return { granted: reply[0] === 1, holder: reply[1] };
  }

  async confirmRevocation(
    tokenFp: string,
    decisionId: string,
    revokedAt: number,
  ): Promise<boolean> {
    checkNonNegative("revokedAt", revokedAt);
    const keys = this.keys.forToken(tokenFp);

    let reply: number;
    try {
      reply = await this.client.twConfirmRevocation(
        keys.revocation,
        keys.state,
        keys.revoked,
        decisionId,
        String(revokedAt),
      );
    } catch (err) {
      throw redisFailure("confirmRevocation", err);
    }
    if (reply < 0) throw scriptStatusError("confirmRevocation", reply);
    return reply === 1;
  }

  async markRevoked(tokenFp: string, ts: number): Promise<void> {
    checkNonNegative("ts", ts);
    const keys = this.keys.forToken(tokenFp);
    try {
      await this.client.twMarkRevoked(keys.state, keys.revoked, ts);
    } catch (err) {
      throw redisFailure("markRevoked", err);
    }
  }

  async observeEgress(uses: readonly EgressUse[]): Promise<number[]> {
    if (uses.length === 0) return [];
    for (const use of uses) checkNonNegative("egress hour", use.hour);
    const replies = await this.sendAll("observeEgress", uses, (target, use) =>
      target.twObserveEgress(
        this.keys.egress(use.network, use.hour),
        String(EGRESS_TTL_MS),
        String(EGRESS_CAP),
        ...use.tokenFps,
      ),
    );
    return replies.map(Number);
  }

  async isRevoked(tokenFp: string): Promise<boolean> {
    const key = this.keys.forToken(tokenFp).revocation;
    let claim: string | null;
    try {
      claim = await this.client.get(key);
    } catch (err) {
      throw redisFailure("isRevoked", err);
    }
    const state = parseClaim(claim).claim;
    return state === "pending" || state === "delivered";
  }

  async revocationStatus(tokenFp: string): Promise<RevocationStatus> {
    const { revocation, revoked } = this.keys.forToken(tokenFp);
    let claim: string | null;
    let revokedAt: string | null;
    try {
      // One slot, one read of both keys.
      [claim = null, revokedAt = null] = await this.client.mget(revocation, revoked);
    } catch (err) {
      throw redisFailure("revocationStatus", err);
    }
    return { ...parseClaim(claim), revokedAt: revokedAt ? Number(revokedAt) : null };
  }

  async withdrawRevocation(tokenFp: string): Promise<RevocationStatus> {
    const { revocation, revoked } = this.keys.forToken(tokenFp);
    let reply: Awaited<ReturnType<StateCommands["twWithdrawRevocation"]>>;
    try {
      reply = await this.client.twWithdrawRevocation(revocation, revoked);
    } catch (err) {
      throw redisFailure("withdrawRevocation", err);
    }
    const [claim, holder, revokedAt] = reply;
    return {
      claim: claim as RevocationClaimState,
      holder: holder === "" ? null : holder,
      revokedAt: revokedAt === "" ? null : Number(revokedAt),
    };
  }

  /** Whether the connection is ready (for `/readyz`). */
  isReady(): boolean {
    return !this.closed && isRedisReady(this.client);
  }

  /** Round-trip a PING; false when Redis does not answer. */
  async ping(): Promise<boolean> {
    return !this.closed && (await pingRedis(this.client));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (!this.quitOnClose || this.client.status === "end") return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /**
   * Send one command per item in one round trip: a pipeline on a single
   * server; on a Cluster, concurrent calls, which ioredis's auto-pipelining
   * groups into one pipeline per master (a plain pipeline may only hold keys
   * of one node). A discarded pipeline or any failed call fails the whole
   * batch, so nothing is taken as applied.
   */
  private async sendAll<T>(
    operation: string,
    items: readonly T[],
    queue: (target: StateBulk, item: T) => unknown,
  ): Promise<unknown[]> {
    if (items.length === 0) return [];
    if (this.isCluster()) {
      try {
        return await Promise.all(items.map((item) => queue(this.client, item)));
      } catch (err) {
        throw redisFailure(operation, err);
      }
    }

    const pipeline = statePipeline(this.client);
    for (const item of items) queue(pipeline, item);
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (err) {
      throw redisFailure(operation, err);
    }

    if (!results) throw redisFailure(operation, new Error("pipeline discarded"));
    return results.map(([err, reply]) => {
      if (err) throw redisFailure(operation, err);
      return reply;
    });
  }

  private isCluster(): boolean {
    return this.client.isCluster;
  }
}

/** Read a claim value (see claim-revocation-1.lua): `<id>`, `<id>:done` or `<id>:withdrawn`. */
export function parseClaim(value: string | null): Omit<RevocationStatus, "revokedAt"> {
  if (value === null) return { claim: "none", holder: null };
  const [, holder = value, suffix] = /^(.*?)(?::(done|withdrawn))?$/.exec(value) ?? [];
  if (suffix === "withdrawn") return { claim: "withdrawn", holder };
  return { claim: suffix === "done" ? "delivered" : "pending", holder };
}
