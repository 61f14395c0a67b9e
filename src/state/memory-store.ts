import type { StateConfig } from "../config/schema.js";
import {
  checkNonNegative,
  checkObservation,
  checkPositiveDuration,
  checkStateConfig,
  checkTokenFp,
} from "./state-input.js";
import { TokenState } from "./token-state.js";
import type {
  EgressUse,
  RevocationClaim,
  RevocationStatus,
  TokenObservation,
  TokenStateStore,
  WindowStats,
} from "./token-state-store.js";
import { EGRESS_CAP, EGRESS_TTL_MS, HOUR_MS } from "./windows.js";

/** Options of `MemoryTokenStateStore`. */
export interface MemoryStoreOptions {
  /** Event time between sweeps for expired tokens (default one hour). */
  readonly sweepIntervalMs?: number;
}

interface CooldownClaim {
  readonly firedAt: number;
  readonly holder: string;
  readonly expiresAt: number;
}

interface Revocation {
  readonly holder: string;
  readonly expiresAt: number;
  /** Delivered: a redelivered decision is no longer granted the claim. */
  readonly delivered: boolean;
  /** Taken back by an operator: a new decision may claim the token again. */
  readonly withdrawn: boolean;
}

/**
 * Per-token state in process memory, for replay and a first run without
 * Redis. Same answers as `RedisTokenStateStore`; single process only.
 *
 * Expiry runs on event time: the store's clock is the newest event time it
 * has been given, and a token whose newest event is more than `ttlMs` behind
 * that clock is dropped — when next touched, and by a sweep every
 * `sweepIntervalMs` of event time — so replaying a long log keeps memory
 * bounded by the tokens active within the TTL. A revocation claim lives
 * `ttlMs` of event time from the clock when it was made (Redis: wall clock).
 */
export class MemoryTokenStateStore implements TokenStateStore {
  private readonly tokens = new Map<string, TokenState>();
  private readonly cooldowns = new Map<string, Map<string, CooldownClaim>>();
  private readonly revocations = new Map<string, Revocation>();
  /** `network NUL hour` → tokens seen (the Redis egress sets). */
  private readonly egress = new Map<string, Set<string>>();
  private readonly sweepIntervalMs: number;

  private clock = 0;
  private nextSweepAt = 0;

  constructor(
    private readonly config: StateConfig,
    options: MemoryStoreOptions = {},
  ) {
    checkStateConfig(config);
    this.sweepIntervalMs = options.sweepIntervalMs ?? HOUR_MS;
  }

  /** Tokens currently held (for tests and the replay summary). */
  get tokenCount(): number {
    return this.tokens.size;
  }

  async observe(
    tokenFp: string,
    observations: readonly TokenObservation[],
  ): Promise<WindowStats[]> {
    return this.observeNow(tokenFp, observations);
  }

  async observeMany(
    batch: ReadonlyArray<{ tokenFp: string; observations: readonly TokenObservation[] }>,
  ): Promise<WindowStats[][]> {
    // Refuse the whole batch before applying any of it, as the Redis store does.
    for (const entry of batch) this.check(entry.tokenFp, entry.observations);
    return batch.map((entry) => this.observeNow(entry.tokenFp, entry.observations));
  }

  async claimCooldown(
    tokenFp: string,
    ruleId: string,
    ts: number,
    cooldownMs: number,
    decisionId: string,
  ): Promise<boolean> {
    checkTokenFp(tokenFp);
    checkNonNegative("ts", ts);
    checkNonNegative("cooldownMs", cooldownMs);
    this.advanceClock(ts);

    const rules = this.cooldowns.get(tokenFp) ?? new Map<string, CooldownClaim>();
    const current = rules.get(ruleId);
    if (current && current.expiresAt > this.clock) {
      if (current.holder === decisionId) return true;
      if (current.firedAt > ts - cooldownMs) return false;
    }

    const expiresAt = ts + Math.max(this.config.ttlMs, cooldownMs);
    rules.set(ruleId, { firedAt: ts, holder: decisionId, expiresAt });
    this.cooldowns.set(tokenFp, rules);
    return true;
  }

  async claimRevocation(
    tokenFp: string,
    decisionId: string,
    ttlMs: number,
  ): Promise<RevocationClaim> {
    checkTokenFp(tokenFp);
    checkPositiveDuration("revocation ttlMs", ttlMs);

    const current = this.liveRevocation(tokenFp);
    if (current && !(current.withdrawn && current.holder !== decisionId)) {
      const granted = current.holder === decisionId && !current.delivered && !current.withdrawn;
      return { granted, holder: current.holder };
    }

    const expiresAt = this.clock + ttlMs;
    const claim = { holder: decisionId, expiresAt, delivered: false, withdrawn: false };
    this.revocations.set(tokenFp, claim);
    return { granted: true, holder: decisionId };
  }

  async confirmRevocation(
    tokenFp: string,
    decisionId: string,
    revokedAt: number,
  ): Promise<boolean> {
    checkTokenFp(tokenFp);
    checkNonNegative("revokedAt", revokedAt);
    const current = this.liveRevocation(tokenFp);
    if (current?.holder !== decisionId || current.delivered || current.withdrawn) return false;
    this.revocations.set(tokenFp, { ...current, delivered: true });
    this.liveToken(tokenFp)?.markRevoked(revokedAt);
    return true;
  }

  async markRevoked(tokenFp: string, ts: number): Promise<void> {
    checkTokenFp(tokenFp);
    checkNonNegative("ts", ts);
    this.liveToken(tokenFp)?.markRevoked(ts);
  }

  async observeEgress(uses: readonly EgressUse[]): Promise<number[]> {
    return uses.map((use) => {
      checkNonNegative("egress hour", use.hour);
      const key = `${use.network}\u0000${use.hour}`;
      const tokens = this.egress.get(key) ?? new Set<string>();
      for (const tokenFp of use.tokenFps) {
        if (tokens.size >= EGRESS_CAP) break;
        tokens.add(tokenFp);
      }
      // The clock is left alone: egress is counted before the batch's
      // observations, and moving the clock to the batch's newest hour first
      // would expire tokens whose older events the same batch still holds.
      this.egress.set(key, tokens);
      return tokens.size;
    });
  }

  async isRevoked(tokenFp: string): Promise<boolean> {
    checkTokenFp(tokenFp);
    const current = this.liveRevocation(tokenFp);
    return current !== null && !current.withdrawn;
  }

  async revocationStatus(tokenFp: string): Promise<RevocationStatus> {
    checkTokenFp(tokenFp);
    const current = this.liveRevocation(tokenFp);
    const revokedAt = this.liveToken(tokenFp)?.revokedAtTs ?? null;
    if (!current) return { claim: "none", holder: null, revokedAt };
    const claim = current.withdrawn ? "withdrawn" : current.delivered ? "delivered" : "pending";
    return { claim, holder: current.holder, revokedAt };
  }

  async withdrawRevocation(tokenFp: string): Promise<RevocationStatus> {
    const before = await this.revocationStatus(tokenFp);
    const current = this.liveRevocation(tokenFp);
    if (current) this.revocations.set(tokenFp, { ...current, withdrawn: true });
    this.liveToken(tokenFp)?.clearRevoked();
    return before;
  }

  async close(): Promise<void> {
    this.tokens.clear();
    this.cooldowns.clear();
    this.revocations.clear();
    this.egress.clear();
  }

  private observeNow(tokenFp: string, observations: readonly TokenObservation[]): WindowStats[] {
    if (observations.length === 0) return [];
    this.check(tokenFp, observations);

    const state = this.liveToken(tokenFp) ?? new TokenState(this.config);
    const stats = observations.map((observation) => state.observe(observation));
    this.tokens.set(tokenFp, state);

    this.advanceClock(state.newestTs ?? 0);
    return stats;
  }

  private check(tokenFp: string, observations: readonly TokenObservation[]): void {
    checkTokenFp(tokenFp);
    for (const observation of observations) checkObservation(observation);
  }

  private liveToken(tokenFp: string): TokenState | null {
    const state = this.tokens.get(tokenFp);
    if (!state) return null;
    if (this.isExpired(state)) {
      this.tokens.delete(tokenFp);
      return null;
    }
    return state;
  }

  private liveRevocation(tokenFp: string): Revocation | null {
    const revocation = this.revocations.get(tokenFp);
    if (!revocation) return null;
    if (revocation.expiresAt <= this.clock) {
      this.revocations.delete(tokenFp);
      return null;
    }
    return revocation;
  }

  private isExpired(state: TokenState): boolean {
    return (state.newestTs ?? 0) < this.clock - this.config.ttlMs;
  }

  private advanceClock(ts: number): void {
    if (ts <= this.clock) return;
    this.clock = ts;
    if (this.clock >= this.nextSweepAt) {
      this.sweep();
      this.nextSweepAt = this.clock + this.sweepIntervalMs;
    }
  }

  private sweep(): void {
    for (const [tokenFp, state] of this.tokens) {
      if (this.isExpired(state)) this.tokens.delete(tokenFp);
    }
    for (const [tokenFp, rules] of this.cooldowns) {
      for (const [ruleId, claim] of rules) {
        if (claim.expiresAt <= this.clock) rules.delete(ruleId);
      }
      if (rules.size === 0) this.cooldowns.delete(tokenFp);
    }
    for (const tokenFp of this.revocations.keys()) this.liveRevocation(tokenFp);
    for (const key of this.egress.keys()) {
      const hour = Number(key.slice(key.indexOf("\u0000") + 1));
      if ((hour + 1) * HOUR_MS + EGRESS_TTL_MS < this.clock) this.egress.delete(key);
    }
  }
}
