import type { StateConfig } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import { formatGeoPoint } from "./located-use.js";
import { parseObserveReply } from "./observe-reply.js";
import { isRedisReady, pingRedis } from "./redis-client.js";
import { redisFailure, scriptStatusError } from "./state-errors.js";
import {
  checkNonNegative,
  checkObservation,
  checkPositiveDuration,
  checkStateConfig,
} from "./state-input.js";
import { StateKeys } from "./state-keys.js";
import {
  defineStateCommands,
  type ObserveReply,
  type RedisClient,
  type StateCommands,
  statePipeline,
} from "./state-scripts.js";
import type {
  EgressUse,
  RevocationClaim,
  RevocationClaimState,
  RevocationStatus,
  TokenObservation,
  TokenStateStore,
  WindowStats,
} from "./token-state-store.js";
import { EGRESS_CAP, EGRESS_TTL_MS, MAX_PLACES } from "./windows.js";

/** Options of `RedisTokenStateStore`. */
export interface RedisStoreOptions {
  /** Quit the client on `close()` (default true: the store owns its connection). */
  readonly quitOnClose?: boolean;
}

type ObserveBatch = ReadonlyArray<{
  tokenFp: string;
  observations: readonly TokenObservation[];
}>;

/**
 * Per-token state in Redis (standalone or Cluster). Every write is one Lua
 * script over the keys of one token (see `state-keys.ts` for the layout), so
 * each token's update is atomic and single-slot. `observeMany` sends one
 * script call per token: on a standalone server as one pipeline, one round
 * trip; on a Cluster as concurrent calls, which ioredis's
 * `enableAutoPipelining` groups into one pipeline per node.
 *
 * Atomicity is per token, not per batch: when one token's script fails, the
 * tokens before it stay applied and the call throws. The caller retries the
 * batch; offsets make the retry count nothing twice (observations without an
 * offset are counted again).
 */
export class RedisTokenStateStore implements TokenStateStore {
  private readonly client: RedisClient & StateCommands;
  private readonly keys: StateKeys;
  private readonly quitOnClose: boolean;
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
  }

  async observe(
    tokenFp: string,
    observations: readonly TokenObservation[],
  ): Promise<WindowStats[]> {
    if (observations.length === 0) return [];

    const args = this.observeArgs(tokenFp, observations);
    let reply: ObserveReply;
    try {
      reply = await this.client.twObserve(...args);
    } catch (err) {
      throw redisFailure("observe", err);
    }
    return parseObserveReply(reply, observations);
  }

  async observeMany(batch: ObserveBatch): Promise<WindowStats[][]> {
    const pending = batch.filter((entry) => entry.observations.length > 0);
    if (pending.length === 0) return batch.map(() => []);

    const args = pending.map((entry) => this.observeArgs(entry.tokenFp, entry.observations));
    const replies = await this.sendAll("twObserve", "observeMany", args);

    let next = 0;
    return batch.map((entry) => {
      if (entry.observations.length === 0) return [];
      const reply = replies[next++] as ObserveReply;
      return parseObserveReply(reply, entry.observations);
    });
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
        keys.meta,
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
    const key = this.keys.forToken(tokenFp).meta;
    try {
      await this.client.twMarkRevoked(key, ts);
    } catch (err) {
      throw redisFailure("markRevoked", err);
    }
  }

  async observeEgress(uses: readonly EgressUse[]): Promise<number[]> {
    if (uses.length === 0) return [];
    for (const use of uses) checkNonNegative("egress hour", use.hour);
    const args = uses.map((use) => [
      this.keys.egress(use.network, use.hour),
      String(EGRESS_TTL_MS),
      String(EGRESS_CAP),
      ...use.tokenFps,
    ]);

    const replies = await this.sendAll("twObserveEgress", "observeEgress", args);
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
    const { revocation, meta } = this.keys.forToken(tokenFp);
    let claim: string | null;
    let revokedAt: string | null;
    try {
      // Two reads of one slot; a withdrawal in between is seen by the caller's next step.
      [claim, revokedAt] = await Promise.all([
        this.client.get(revocation),
        this.client.hget(meta, "rv"),
      ]);
    } catch (err) {
      throw redisFailure("revocationStatus", err);
    }
    return { ...parseClaim(claim), revokedAt: revokedAt ? Number(revokedAt) : null };
  }

  async withdrawRevocation(tokenFp: string): Promise<RevocationStatus> {
    const { revocation, meta } = this.keys.forToken(tokenFp);
    let reply: Awaited<ReturnType<StateCommands["twWithdrawRevocation"]>>;
    try {
      reply = await this.client.twWithdrawRevocation(revocation, meta);
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

  private observeArgs(tokenFp: string, observations: readonly TokenObservation[]): string[] {
    const args: string[] = this.keys.observeKeys(tokenFp);
    args.push(
      String(this.config.ttlMs),
      String(this.config.maxNetworks),
      String(this.config.maxUserAgents),
      String(MAX_PLACES),
    );

    for (const observation of observations) {
      checkObservation(observation);
      args.push(
        String(observation.ts),
        observation.network,
        observation.userAgent,
        observation.partitionKey,
        observation.offset === null ? "" : String(observation.offset),
        observation.asn == null ? "" : String(observation.asn),
        observation.country ?? "",
        observation.location ? formatGeoPoint(observation.location) : "",
        observation.status === null ? "" : String(observation.status),
        observation.browser ? "1" : "0",
      );
    }
    return args;
  }

  /**
   * Run one script call per argument list (keys first) in one round trip:
   * a pipeline on a single server; on a Cluster, concurrent calls, which
   * ioredis's auto-pipelining groups into one pipeline per master (a plain
   * pipeline may only hold keys of one node). A discarded pipeline or any
   * failed call fails the whole batch, so nothing is taken as applied.
   */
  private async sendAll(
    command: "twObserve" | "twObserveEgress",
    operation: string,
    argLists: string[][],
  ): Promise<unknown[]> {
    if (this.isCluster()) {
      try {
        return await Promise.all(
          argLists.map(([key, ...rest]) => this.client[command](key as string, ...rest)),
        );
      } catch (err) {
        throw redisFailure(operation, err);
      }
    }

    const pipeline = statePipeline(this.client);
    for (const [key, ...rest] of argLists) pipeline[command](key as string, ...rest);
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
function parseClaim(value: string | null): Omit<RevocationStatus, "revokedAt"> {
  if (value === null) return { claim: "none", holder: null };
  const [, holder = value, suffix] = /^(.*?)(?::(done|withdrawn))?$/.exec(value) ?? [];
  if (suffix === "withdrawn") return { claim: "withdrawn", holder };
  return { claim: suffix === "done" ? "delivered" : "pending", holder };
}
