import type { Verdict } from "./verdict.js";

/*
 * The comparison every evaluation reports: what static thresholds alone
 * would do, the way a gateway's rate limiter or a first SIEM rule sees a
 * token — a request count per fixed minute and a count of distinct client
 * addresses, with no history, no geography and no notion of a carrier or a
 * service. It runs over the same events in the same pass as tokenwatch.
 */

/** The baseline's fixed thresholds. */
export interface BaselineThresholds {
  /** Requests in one fixed clock minute that raise an alert (a 2 req/s rate limit). */
  readonly alertPerMinute: number;
  /** Requests in one fixed clock minute that revoke (the limiter's "block" tier). */
  readonly revokePerMinute: number;
  /** Distinct client addresses within `ipWindowMs` that revoke ("one token, many IPs"). */
  readonly revokeDistinctIps: number;
  readonly ipWindowMs: number;
  /** At most one alert per token and rule per this long. */
  readonly cooldownMs: number;
}

/** A 2 req/s limit with a 10 req/s block tier, and "four addresses in ten minutes". */
export const DEFAULT_BASELINE: BaselineThresholds = {
  alertPerMinute: 120,
  revokePerMinute: 600,
  revokeDistinctIps: 4,
  ipWindowMs: 10 * 60_000,
  cooldownMs: 60 * 60_000,
};

interface TokenCounters {
  minute: number;
  count: number;
  readonly lastSeenByIp: Map<string, number>;
  readonly lastFired: Map<string, number>;
  revoked: boolean;
}

/** Static thresholds over a token's requests; collects the verdicts it would take. */
export class NaiveBaseline {
  readonly verdicts: Verdict[] = [];
  private readonly tokens = new Map<string, TokenCounters>();

  constructor(private readonly thresholds: BaselineThresholds = DEFAULT_BASELINE) {}

  observe(tokenFp: string, ts: number, clientIp: string): void {
    const t = this.thresholds;
    const state = this.stateOf(tokenFp);

    const minute = Math.floor(ts / 60_000);
    if (minute !== state.minute) {
      state.minute = minute;
      state.count = 0;
    }
    state.count += 1;

    state.lastSeenByIp.set(clientIp, ts);
    for (const [ip, seen] of state.lastSeenByIp) {
      if (seen < ts - t.ipWindowMs) state.lastSeenByIp.delete(ip);
    }

    if (state.count >= t.revokePerMinute)
      this.fire(tokenFp, state, ts, "revoke", "baseline-rate-block");
    else if (state.count >= t.alertPerMinute)
      this.fire(tokenFp, state, ts, "alert", "baseline-rate-limit");
    if (state.lastSeenByIp.size >= t.revokeDistinctIps) {
      this.fire(tokenFp, state, ts, "revoke", "baseline-distinct-ips");
    }
  }

  private fire(
    tokenFp: string,
    state: TokenCounters,
    ts: number,
    action: Verdict["action"],
    ruleId: string,
  ): void {
    const last = state.lastFired.get(ruleId);
    if (last !== undefined && ts - last < this.thresholds.cooldownMs) return;
    state.lastFired.set(ruleId, ts);

    // Like tokenwatch, a token is revoked once; later hits are alerts.
    const effective = action === "revoke" && state.revoked ? "alert" : action;
    if (effective === "revoke") state.revoked = true;
    this.verdicts.push({ tokenFp, ts, action: effective, ruleId });
  }

  private stateOf(tokenFp: string): TokenCounters {
    let state = this.tokens.get(tokenFp);
    if (!state) {
      state = {
        minute: -1,
        count: 0,
        lastSeenByIp: new Map(),
        lastFired: new Map(),
        revoked: false,
      };
      this.tokens.set(tokenFp, state);
    }
    return state;
  }
}
