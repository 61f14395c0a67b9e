/**
 * The per-token state contract. Two implementations share it: Redis (the
 * service; a compare-and-set write per token and batch, every key of a
 * token in one cluster slot) and an embedded in-memory store (offline
 * replay, first run). Both apply observations with the same `TokenState`;
 * one contract test suite runs against both, so they must give identical
 * answers.
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
  /** Autonomous system of the client address from geo-IP enrichment; absent or null: unknown. */
  readonly asn?: number | null;
  /** ISO 3166-1 alpha-2 country of the client address; absent or null: unknown. */
  readonly country?: string | null;
  /** Where the client address is, with the database's uncertainty; absent or null: unknown. */
  readonly location?: GeoPoint | null;
  /** Whether the user agent is a web browser (counted to learn the token's class). */
  readonly browser?: boolean;
}

/** A geo-IP location: degrees, and a radius (km) the true place is likely within. */
export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
  readonly radiusKm: number;
}

/** The last located use of a token before an observation. */
export interface LocatedUse extends GeoPoint {
  /** Event time of that use, epoch ms. */
  readonly ts: number;
}

/** The window statistics of one token, as of one observation's event time. */
export interface WindowStats {
  /** True when this observation had already been applied (redelivery); counts are current. */
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
  /**
   * Hour-of-week usage profile (UTC, decayed; see windows.ts), read before
   * this observation: the level (0–15) of this hour-of-week slot, and the
   * sum of the levels of this hour of day and its two neighbours over all
   * seven days.
   */
  readonly hourLevel: number;
  readonly hourOfDayLevel: number;
  /** Distinct clock hours in which the token was used (the profile's evidence). */
  readonly activeHours: number;
  /** Whether this user-agent family is remembered at all (any age, within state TTL). */
  readonly userAgentKnown: boolean;
  /** Distinct known ASNs in the last 5 minutes and the last hour; unknown ASNs are not counted. */
  readonly asns5m: number;
  readonly asns1h: number;
  /** Distinct known countries in the last hour. */
  readonly countries1h: number;
  /**
   * Whether this observation's ASN / country was remembered before it (any
   * age). True when the observation's ASN / country is unknown: nothing new.
   */
  readonly asnKnown: boolean;
  readonly countryKnown: boolean;
  /** ASNs / countries remembered before this observation. */
  readonly knownAsns: number;
  readonly knownCountries: number;
  /**
   * Returns to the network used before the previous one (A, B, A) in the
   * last 10 minutes: concurrent use from two places interleaves this way.
   */
  readonly alternations10m: number;
  /** 401/403 responses in the last 5 minutes, except rejections after our own revocation. */
  readonly denied5m: number;
  /** Requests from a web browser in the token's life (0: a machine-only token). */
  readonly browserRequests: number;
  /**
   * The observation is a 401/403 at or after the token's revocation: the
   * gateway enforcing our revocation. It was not applied to any statistic.
   */
  readonly afterRevocation: boolean;
  /** Event time of the token's revocation (see `markRevoked`), or 0 when not revoked. */
  readonly revokedAt: number;
  /** The token's last located use before this observation, or null. */
  readonly previousLocation: LocatedUse | null;
  /** Total observations applied to this token (the whole life of its state). */
  readonly totalRequests: number;
  /** Earliest event time applied to this token (a late event can move it back). */
  readonly firstSeen: number;
}

/** Outcome of claiming the one revocation a token may hold at a time. */
export interface RevocationClaim {
  /** True when this call made the claim, or the claim belongs to the same decision (redelivery). */
  readonly granted: boolean;
  /** The decision id holding the claim. */
  readonly holder: string;
}

/**
 * Where a token's one revocation stands: `none` (never claimed, or the claim
 * lapsed), `pending` (claimed, being delivered), `delivered`, or
 * `withdrawn` (taken back by `tokenwatch revocations undo`).
 */
export type RevocationClaimState = "none" | "pending" | "delivered" | "withdrawn";

/** A token's revocation claim and revoked mark, as the state store holds them. */
export interface RevocationStatus {
  readonly claim: RevocationClaimState;
  /** The decision id of the claim, or null when there is none. */
  readonly holder: string | null;
  /** Event time recorded by `markRevoked`, or null when the token is not marked. */
  readonly revokedAt: number | null;
}

/** Tokens seen on one client network in one hour of event time. */
export interface EgressUse {
  readonly network: string;
  /** The hour, `floor(ts / 3600000)`. */
  readonly hour: number;
  readonly tokenFps: readonly string[];
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
   * Claim the single revocation of a token; a withdrawn claim (see
   * `withdrawRevocation`) goes to a new decision. The claim lives for
   * `ttlMs` (the token's remaining lifetime plus a margin).
   */
  claimRevocation(tokenFp: string, decisionId: string, ttlMs: number): Promise<RevocationClaim>;

  /**
   * Record that the revocation claimed by `decisionId` was delivered, and
   * mark the token revoked at event time `revokedAt` (as `markRevoked`), in
   * one atomic step. After this, the same decision redelivered is no longer
   * granted the claim, so re-reading a batch does not publish the revocation
   * again. False, and nothing marked, when the claim is not this decision's
   * pending one (an operator withdrew it meanwhile).
   */
  confirmRevocation(tokenFp: string, decisionId: string, revokedAt: number): Promise<boolean>;

  /**
   * Record the event time at which a token was revoked, once (the first time
   * wins). Afterwards its 401/403 responses are reported with
   * `afterRevocation` and feed no statistic. A token without state is left
   * alone.
   */
  markRevoked(tokenFp: string, ts: number): Promise<void>;

  /**
   * Record which tokens used each network in an hour and return, per
   * entry, how many distinct tokens used that network in that hour so far
   * (counting stops at `EGRESS_CAP`). Shared egress — CGNAT, corporate
   * proxies — shows up as networks many tokens use at once. Counts live
   * two hours of event time.
   */
  observeEgress(uses: readonly EgressUse[]): Promise<number[]>;

  /** Whether a token has been revoked (claim held and not withdrawn). */
  isRevoked(tokenFp: string): Promise<boolean>;

  /** The token's revocation claim and revoked mark, read without changing them. */
  revocationStatus(tokenFp: string): Promise<RevocationStatus>;

  /**
   * Withdraw the token's revocation, atomically: the claim becomes
   * `withdrawn` (kept for its lifetime, so a redelivery of the withdrawn
   * decision stays refused while a new decision may revoke the token again)
   * and the revoked mark is cleared, so `window.revokedAt` is 0 and 401/403s
   * count as usual again. Idempotent. Returns the status before the call.
   */
  withdrawRevocation(tokenFp: string): Promise<RevocationStatus>;

  /** Release resources (connections, timers). */
  close(): Promise<void>;
}
