import type { Logger } from "pino";
import type { CanonicalEvent } from "../ingest/canonical-event.js";
import type { Metrics } from "../observe/metrics.js";
import type { Denylist } from "./denylist.js";
import { type GuardAlert, guardAlert } from "./guard-alert.js";

type TokenEvent = CanonicalEvent & { readonly token: NonNullable<CanonicalEvent["token"]> };

/** How long the "already alerted" mark lives: long enough that one token pages once. */
const ALERT_MARK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The closed loop: after tokenwatch revoked a token, the gateway should
 * reject it. A 2xx for a denylisted token later than the grace period (event
 * time, counted from the deciding event) means the revocation is not
 * enforced; that raises one critical `revocation_not_enforced` alert per
 * token, across restarts and processes (the mark lives in Redis).
 *
 * Cost: one MGET per batch over the distinct tokens that got a 2xx, plus one
 * SET NX per token caught.
 */
export class EnforcementCheck {
  constructor(
    private readonly denylist: Denylist,
    private readonly graceMs: number,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  async check(events: readonly TokenEvent[]): Promise<GuardAlert[]> {
    const firstSuccess = new Map<string, TokenEvent>();
    for (const event of events) {
      if (event.status === null || event.status < 200 || event.status > 299) continue;
      if (!firstSuccess.has(event.token.fingerprint)) {
        firstSuccess.set(event.token.fingerprint, event);
      }
    }
    if (firstSuccess.size === 0) return [];

    const fps = [...firstSuccess.keys()];
    const entries = await this.denylist.getMany(fps);
    const alerts: GuardAlert[] = [];
    for (const [i, fp] of fps.entries()) {
      const entry = entries[i];
      if (!entry) continue;
      // The first 2xx past the grace period, not the first 2xx of the batch.
      const late = events.find(
        (e) =>
          e.token.fingerprint === fp &&
          e.status !== null &&
          e.status >= 200 &&
          e.status <= 299 &&
          e.ts > entry.revokedAt + this.graceMs,
      );
      if (!late) continue;
      if (!(await this.denylist.markAlerted(fp, ALERT_MARK_TTL_MS))) continue;

      const afterS = Math.round((late.ts - entry.revokedAt) / 1000);
      this.metrics.guardAlerts.inc({ kind: "revocation_not_enforced" });
      this.log.error(
        { tokenFp: fp, decisionId: entry.decisionId, status: late.status, afterS },
        "revoked token still accepted by the gateway",
      );
      alerts.push(
        guardAlert("revocation_not_enforced", fp, {
          ts: late.ts,
          tokenFp: fp,
          summary:
            `token ${fp} was revoked by decision ${entry.decisionId} but got HTTP ` +
            `${late.status} ${afterS} s later: the gateway does not enforce the denylist`,
          details: {
            decisionId: entry.decisionId,
            ruleId: entry.ruleId,
            revokedAt: entry.revokedAt,
            status: late.status,
            routeId: late.routeId,
            gateway: late.gateway,
            secondsAfterRevocation: afterS,
          },
        }),
      );
    }
    return alerts;
  }
}
