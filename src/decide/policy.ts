import type { Logger } from "pino";
import { type GuardAlert, guardAlert } from "../act/guard-alert.js";
import { type Config, configSchema, type GuardsConfig } from "../config/schema.js";
import type { EventEnrichment, Finding, RuleAction } from "../detect/finding.js";
import { assessRisk } from "../detect/risk.js";
import type { CanonicalEvent } from "../ingest/canonical-event.js";
import type { Metrics } from "../observe/metrics.js";
import type { TokenStateStore } from "../state/token-state-store.js";
import { Allowlist } from "./allowlist.js";
import { type Decision, decisionId } from "./decision.js";
import {
  type BudgetVerdict,
  MemoryRevocationBudget,
  type RevocationBudget,
} from "./revocation-budget.js";

type TokenEvent = CanonicalEvent & { readonly token: NonNullable<CanonicalEvent["token"]> };

/** Turns one event's findings into at most one decision, applying the guards. */
export interface DecisionPolicy {
  /**
   * @param alerts where guard alerts this decision raises (a revocation
   *   storm) are added. Each batch passes its own list: batches of several
   *   partitions run at once, and an alert must travel with the batch that
   *   raised it, since only that batch's commit makes the alert durable.
   */
  decide(
    event: TokenEvent,
    findings: readonly Finding[],
    enrichment?: EventEnrichment,
    alerts?: GuardAlert[],
  ): Promise<Decision | null>;
}

/** The guards beyond `policy.*`: allowlists and the revocation budget. */
export interface PolicyGuards {
  readonly config: GuardsConfig;
  /** Shared by all processes in the service (Redis); in memory for replay and tests. */
  readonly budget?: RevocationBudget;
  /**
   * The clock of the budget's minute windows: wall clock in the service (a
   * lagging consumer catching up must not revoke faster), event time in replay.
   */
  readonly budgetClock?: (event: TokenEvent) => number;
}

/** A day, the margin kept past a token's expiry before its revocation claim lapses. */
const EXPIRY_MARGIN_MS = 24 * 60 * 60 * 1000;

/**
 * The decision policy with its guards:
 * - shadow findings are counted and logged, never acted on;
 * - a rule acts on a token at most once per cooldown (event time), claimed in
 *   the shared store so that several processes agree;
 * - a token is revoked at most once at a time, across restarts and processes
 *   (again only after an operator withdrew the revocation);
 * - global dry-run turns every revocation into an alert;
 * - allowlisted tokens, consumers, routes, networks and ASNs are never
 *   stepped up or revoked, only alerted on;
 * - at most N revocations per minute globally and per known consumer; past that,
 *   revocations become alerts and one critical `revocation_storm` is raised
 *   per scope and minute.
 */
export class GuardedPolicy implements DecisionPolicy {
  private readonly allowlist: Allowlist;
  private readonly budget: RevocationBudget;
  private readonly budgetClock: (event: TokenEvent) => number;

  constructor(
    private readonly store: TokenStateStore,
    private readonly config: Config["policy"],
    private readonly metrics: Metrics,
    private readonly log: Logger,
    guards: PolicyGuards = { config: DEFAULT_GUARDS },
  ) {
    this.allowlist = new Allowlist(guards.config.allowlist);
    this.budget =
      guards.budget ??
      new MemoryRevocationBudget({
        perMinute: guards.config.revocationsPerMinute,
        perConsumerPerMinute: guards.config.revocationsPerConsumerPerMinute,
      });
    this.budgetClock = guards.budgetClock ?? ((event) => event.ts);
  }

  async decide(
    event: TokenEvent,
    findings: readonly Finding[],
    enrichment?: EventEnrichment,
    alerts: GuardAlert[] = [],
  ): Promise<Decision | null> {
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
    const outcome = await this.guard(
      event,
      requested,
      risk.enforceableScore,
      id,
      enrichment,
      alerts,
    );
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

  private async guard(
    event: TokenEvent,
    requested: RuleAction,
    enforceableScore: number,
    id: string,
    enrichment: EventEnrichment | undefined,
    alerts: GuardAlert[],
  ): Promise<{ action: RuleAction; guard: string | null } | "delivered"> {
    if (requested === "alert") return { action: requested, guard: null };

    const listed = this.allowlist.match(event, enrichment?.asn ?? null);
    if (listed) {
      this.metrics.allowlisted.inc({ list: listed });
      if (requested === "revoke") this.metrics.revocations.inc({ outcome: "allowlisted" });
      return { action: "alert", guard: "allowlisted" };
    }
    if (requested !== "revoke") return { action: requested, guard: null };
    if (enforceableScore < this.config.revokeScore)
      return { action: "alert", guard: "below_score" };
    if (this.config.dryRun) {
      this.metrics.revocations.inc({ outcome: "dry_run" });
      return { action: "alert", guard: "dry_run" };
    }
    return this.claimWithinBudget(event, id, alerts);
  }

  /**
   * Take a budget slot, then the token's one revocation claim. The budget
   * goes first: a claim taken but refused by the budget would block the
   * token's revocation for good. A token already revoked skips the budget,
   * so repeat findings on it never eat into it.
   */
  private async claimWithinBudget(
    event: TokenEvent,
    id: string,
    alerts: GuardAlert[],
  ): Promise<{ action: RuleAction; guard: string | null } | "delivered"> {
    const fp = event.token.fingerprint;
    const now = this.budgetClock(event);
    const already = await this.store.isRevoked(fp);
    if (!already) {
      const verdict = await this.budget.take(event.consumerId, now);
      if (!verdict.granted) return this.refuse(event, verdict, alerts);
    }

    const claim = await this.store.claimRevocation(fp, id, this.revocationTtl(event));
    if (!claim.granted && !already) await this.budget.refund(event.consumerId, now);
    // This very decision was already revoked and delivered: a redelivered
    // event must not turn into a second record under the same decision id.
    if (!claim.granted && claim.holder === id) return "delivered";
    if (!claim.granted) {
      this.metrics.revocations.inc({ outcome: "already" });
      return { action: "alert", guard: "already_revoked" };
    }
    return { action: "revoke", guard: null };
  }

  private refuse(
    event: TokenEvent,
    verdict: Exclude<BudgetVerdict, { granted: true }>,
    alerts: GuardAlert[],
  ): { action: RuleAction; guard: string } {
    this.metrics.revocations.inc({ outcome: "budget_exceeded" });
    if (verdict.firstRefusal) {
      const scope = verdict.scope;
      // Only a known consumer has a consumer budget (see RevocationBudget.take).
      const who = scope === "consumer" ? `consumer ${event.consumerId}` : "all tokens";
      this.metrics.guardAlerts.inc({ kind: "revocation_storm" });
      this.log.error(
        { scope, limit: verdict.limit, consumerId: event.consumerId },
        "revocation budget exhausted; revocations become alerts",
      );
      const key = `${scope}|${scope === "consumer" ? event.consumerId : ""}|${verdict.windowStart}`;
      alerts.push(
        guardAlert("revocation_storm", key, {
          ts: verdict.windowStart,
          tokenFp: null,
          summary:
            `revocation storm: more than ${verdict.limit} revocations in one minute for ` +
            `${who}; tokenwatch stopped revoking and only alerts until the minute ends`,
          details: {
            scope,
            limit: verdict.limit,
            consumerId: scope === "consumer" ? event.consumerId : null,
            windowStart: verdict.windowStart,
          },
        }),
      );
    }
    return { action: "alert", guard: "revocation_budget" };
  }

  /** Keep the claim until the token expires (plus a margin), or the configured default. */
  private revocationTtl(event: TokenEvent): number {
    const exp = event.token.claims?.exp;
    if (!exp) return this.config.revocationTtlMs;
    return Math.max(exp - event.ts, 0) + EXPIRY_MARGIN_MS;
  }
}

/** Guards as the schema defaults them, for callers (tests) that pass none. */
const DEFAULT_GUARDS: GuardsConfig = configSchema.parse({}).guards;

/** The decisive finding that names the decision: the one with the highest score. */
function highestScore(findings: readonly Finding[]): Finding {
  return findings.reduce((best, finding) => (finding.score > best.score ? finding : best));
}
