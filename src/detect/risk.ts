import type { Finding, RuleAction } from "./finding.js";

/*
 * One event's findings → one risk assessment.
 *
 * Scores add up, capped at 100: findings are mostly independent signals
 * (many networks, a rate spike, a token in a URL), and two medium signals
 * together are stronger evidence than either alone; the cap keeps the
 * scale readable as "0 = nothing, 100 = as sure as we get". A maximum
 * would hide corroboration; an uncapped sum would let many weak rules
 * outvote one precise rule.
 *
 * Modes: `enforce` findings request their own action, `alert` findings
 * only ever request an alert, `shadow` findings request nothing and add
 * nothing to either score; they are returned so they can be counted and
 * logged for backtesting.
 */

/** Actions from weakest to strongest. */
const STRENGTH: Readonly<Record<RuleAction, number>> = { alert: 1, step_up: 2, revoke: 3 };

/** The cap of both scores. */
export const MAX_RISK_SCORE = 100;

/** The combined verdict of one event's findings. */
export interface RiskAssessment {
  /** Sum of the scores of enforce- and alert-mode findings, capped at 100. */
  readonly score: number;
  /**
   * Sum of the scores of enforce-mode findings only, capped at 100: the
   * part a policy may act on (e.g. compare with `policy.revokeScore`),
   * since an alert-mode rule must never contribute to a revocation.
   */
  readonly enforceableScore: number;
  /** The strongest action requested, or `null` when nothing asks for one. */
  readonly action: RuleAction | null;
  /** The findings that requested `action` (for reasons and audit). */
  readonly decisive: readonly Finding[];
  /** Findings that count (enforce and alert mode). */
  readonly active: readonly Finding[];
  /** Shadow-mode findings: reported, never acted on. */
  readonly shadow: readonly Finding[];
}

/** The action a finding requests once its mode is applied. */
export function requestedAction(finding: Finding): RuleAction | null {
  if (finding.mode === "shadow") return null;
  if (finding.mode === "alert") return "alert";
  return finding.action;
}

function cappedSum(findings: readonly Finding[]): number {
  const sum = findings.reduce((total, finding) => total + finding.score, 0);
  return Math.min(MAX_RISK_SCORE, sum);
}

/**
 * Combine the findings of one event (usually of one token) into a score and
 * the strongest requested action: revoke > step_up > alert.
 */
export function assessRisk(findings: readonly Finding[]): RiskAssessment {
  const active = findings.filter((finding) => finding.mode !== "shadow");
  const shadow = findings.filter((finding) => finding.mode === "shadow");
  const enforced = active.filter((finding) => finding.mode === "enforce");

  let action: RuleAction | null = null;
  for (const finding of active) {
    const requested = requestedAction(finding);
    if (requested && (!action || STRENGTH[requested] > STRENGTH[action])) action = requested;
  }

  const decisive = active.filter((finding) => requestedAction(finding) === action);

  return {
    score: cappedSum(active),
    enforceableScore: cappedSum(enforced),
    action,
    decisive,
    active,
    shadow,
  };
}
