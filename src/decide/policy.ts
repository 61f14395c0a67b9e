import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Finding, RuleAction } from "../detect/finding.js";
import { assessRisk } from "../detect/risk.js";
import type { CanonicalEvent } from "../ingest/canonical-event.js";
import type { Metrics } from "../observe/metrics.js";
import type { TokenStateStore } from "../state/token-state-store.js";
import { type Decision, decisionId } from "./decision.js";

type TokenEvent = CanonicalEvent & { readonly token: NonNullable<CanonicalEvent["token"]> };

/** Turns one event's findings into at most one decision, applying the guards. */
export interface DecisionPolicy {
  decide(event: TokenEvent, findings: readonly Finding[]): Promise<Decision | null>;
}

/** A day, the margin kept past a token's expiry before its revocation claim lapses. */
const EXPIRY_MARGIN_MS = 24 * 60 * 60 * 1000;

/**
 * The decision policy with its guards:
 * - shadow findings are counted and logged, never acted on;
 * - a rule acts on a token at most once per cooldown (event time), claimed in
 *   the shared store so that several processes agree;
 * - a token is revoked at most once, ever, across restarts and processes;
 * - global dry-run turns every revocation into an alert.
 */
export class GuardedPolicy implements DecisionPolicy {
  constructor(
    private readonly store: TokenStateStore,
    private readonly config: Config["policy"],
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  async decide(event: TokenEvent, findings: readonly Finding[]): Promise<Decision | null> {
    const fp = event.token.fingerprint;
    const id = decisionId(fp, event.source);

    const claimed: Finding[] = [];
    const shadow: Finding[] = [];
    for (const finding of findings) {
      if (finding.mode === "shadow") {
        shadow.push(finding);
        this.log.debug({ tokenFp: fp, ruleId: finding.ruleId }, "shadow finding");
        continue;
      }
      const { ruleId, cooldownMs } = finding;
      if (await this.store.claimCooldown(fp, ruleId, event.ts, cooldownMs, id)) {
        claimed.push(finding);
      }
    }

    const risk = assessRisk(claimed);
    if (!risk.action) return null;

    const primary = highestScore(risk.decisive);
    const requested = risk.action;
    const riskScore = risk.score;
    const outcome = await this.guardRevocation(event, requested, risk.enforceableScore, id);
    if (outcome === "delivered") return null;
    const { action, guard } = outcome;

    this.metrics.decisions.inc({ action, rule: primary.ruleId });
    return {
      id,
      ts: event.ts,
      tokenFp: fp,
      action,
      requestedAction: requested,
      ruleId: primary.ruleId,
      ruleVersion: primary.ruleVersion,
      riskScore,
      findings: [...claimed, ...shadow],
      guard,
      consumerId: event.consumerId,
      credentialId: event.credentialId,
      routeId: event.routeId,
      claims: event.token.claims,
      source: event.source,
    };
  }

  private async guardRevocation(
    event: TokenEvent,
    requested: RuleAction,
    enforceableScore: number,
    id: string,
  ): Promise<{ action: RuleAction; guard: string | null } | "delivered"> {
    if (requested !== "revoke") return { action: requested, guard: null };
    if (enforceableScore < this.config.revokeScore)
      return { action: "alert", guard: "below_score" };
    if (this.config.dryRun) {
      this.metrics.revocations.inc({ outcome: "dry_run" });
      return { action: "alert", guard: "dry_run" };
    }

    const claim = await this.store.claimRevocation(
      event.token.fingerprint,
      id,
      this.revocationTtl(event),
    );
    // This very decision was already revoked and delivered: a redelivered
    // event must not turn into a second record under the same decision id.
    if (!claim.granted && claim.holder === id) return "delivered";
    if (!claim.granted) {
      this.metrics.revocations.inc({ outcome: "already" });
      return { action: "alert", guard: "already_revoked" };
    }
    return { action: "revoke", guard: null };
  }

  /** Keep the claim until the token expires (plus a margin), or the configured default. */
  private revocationTtl(event: TokenEvent): number {
    const exp = event.token.claims?.exp;
    if (!exp) return this.config.revocationTtlMs;
    return Math.max(exp - event.ts, 0) + EXPIRY_MARGIN_MS;
  }
}

/** The decisive finding that names the decision: the one with the highest score. */
function highestScore(findings: readonly Finding[]): Finding {
  return findings.reduce((best, finding) => (finding.score > best.score ? finding : best));
}
