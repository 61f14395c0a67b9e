/**
 * The per-token state contract. Two implementations share it: Redis (the
 * service; atomic Lua scripts, every key of a token in one cluster slot) and
 * an embedded in-memory store (offline replay, first run). One contract test
 * suite runs against both, so they must give identical answers.
 *
 * Event time, not wall-clock time, drives every window: `ts` of the
 * observation is "now" for that observation, so replaying a day of logs
 * gives the same statistics as living through it.
 */

/** What one request contributes to its token's state. */
export interface TokenObservation {
  /** Event time, epoch ms. */
  readonly ts: number;
  /** Client network key: the IPv4 address, or the IPv6 /64 (see identity/network-key). */
  readonly network: string;
  /** User-agent family (e.g. `curl`, `Chrome`, `okhttp`), or `unknown`. */
  readonly userAgent: string;
  readonly status: number | null;
  /**
   * Source stream and partition, e.g. `gateway-logs/3`. Together with `offset`
   * this makes redelivery idempotent: an observation whose offset is at or
   * below the last applied offset of its partition for this token is not
   * counted again.
   */
  readonly partitionKey: string;
  /** Kafka offset (or file line); `null` disables the duplicate check. */
  readonly offset: number | null;
  /**
   * Token expiry (epoch ms) when known. Not used by the stores: state lives
   * `state.ttlMs` after the token's last request (see state/state-keys.ts).
   */
  readonly expiresAt: number | null;
}

/** The window statistics of one token, as of one observation's event time. */
export interface WindowStats {
  /** True when this observation had already been applied (redelivery); counts are the current ones. */
  readonly duplicate: boolean;
  /** Requests in the current minute bucket and the windows ending at the observation. */
  readonly requests1m: number;
  readonly requests5m: number;
  readonly requests1h: number;
  /**
   * Per-minute request counts of the completed minutes before the current one,
   * oldest first, covering at most the last hour and at most back to the
   * token's first observation (minutes before the token existed are not zeros).
   */
  readonly minuteHistory: readonly number[];
  /** Distinct client networks seen in the last 5 minutes and the last hour. */
  readonly networks5m: number;
  readonly networks1h: number;
  /** Distinct user-agent families in the last hour. */
  readonly userAgents1h: number;
  /** Whether this observation's network / user agent had been seen before (within the hour). */
  readonly networkSeenBefore: boolean;
  readonly userAgentSeenBefore: boolean;
  /** Requests ever counted in this token's hour-of-day bucket (UTC) of this observation. */
  readonly hourOfDayCount: number;
  /** Total observations applied to this token (the whole life of its state). */
  readonly totalRequests: number;
  /** Earliest event time applied to this token (a late event can move it back). */
  readonly firstSeen: number;
}

/** Outcome of claiming the one revocation a token may ever get. */
export interface RevocationClaim {
  /** True when this call made the claim, or the claim belongs to the same decision (redelivery). */
  readonly granted: boolean;
  /** The decision id holding the claim. */
  readonly holder: string;
}

export interface TokenStateStore {
  /**
   * Apply the observations of one token, in order, and return the window
   * statistics as of each one. Atomic per token.
   */
  observe(tokenFp: string, observations: readonly TokenObservation[]): Promise<WindowStats[]>;

  /**
   * Apply many tokens' observations in one round trip where the backend allows.
   * The result has one entry per input token, in order.
   */
  observeMany(
    batch: ReadonlyArray<{ tokenFp: string; observations: readonly TokenObservation[] }>,
  ): Promise<WindowStats[][]>;

  /**
   * Try to claim a rule's cooldown for a token at event time `ts`: granted
   * when the rule has not fired for this token within `cooldownMs` before
   * `ts`, or when the holder is the same decision id (redelivery).
   */
  claimCooldown(
    tokenFp: string,
    ruleId: string,
    ts: number,
    cooldownMs: number,
    decisionId: string,
  ): Promise<boolean>;

  /**
   * Claim the single revocation of a token. The claim lives for `ttlMs`
   * (the token's remaining lifetime plus a margin).
   */
  claimRevocation(tokenFp: string, decisionId: string, ttlMs: number): Promise<RevocationClaim>;

  /**
   * Record that the revocation claimed by `decisionId` was delivered. After
   * this, the same decision redelivered is no longer granted the claim, so
   * re-reading a batch does not publish the revocation again.
   */
  confirmRevocation(tokenFp: string, decisionId: string): Promise<void>;

  /** Whether a token has been revoked (claim held). */
  isRevoked(tokenFp: string): Promise<boolean>;

  /** Release resources (connections, timers). */
  close(): Promise<void>;
}
