import { createHash } from "node:crypto";
import type { Decision } from "../decide/decision.js";
import type { Severity } from "../detect/finding.js";

/**
 * Alerts about tokenwatch's own actions rather than about a token's use.
 * The set is closed: each kind is a metric label and an Alertmanager
 * `alertname`.
 */
export const GUARD_ALERT_KINDS = ["revocation_storm", "revocation_not_enforced"] as const;

export type GuardAlertKind = (typeof GUARD_ALERT_KINDS)[number];

/** A critical alert raised by a guard: a revocation budget exhausted, a revocation ignored. */
export interface GuardAlert {
  /** Deterministic, so a redelivered batch raises the same alert under the same id. */
  readonly id: string;
  readonly kind: GuardAlertKind;
  readonly severity: "critical";
  /** Event time (not-enforced) or wall-clock time (storm) the alert refers to, epoch ms. */
  readonly ts: number;
  /** The token concerned, for `revocation_not_enforced`. */
  readonly tokenFp: string | null;
  readonly summary: string;
  /** Small, flat and free of secrets, like finding evidence. */
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

/** Build a guard alert whose id is derived from its kind and a stable key. */
export function guardAlert(
  kind: GuardAlertKind,
  key: string,
  fields: Omit<GuardAlert, "id" | "kind" | "severity">,
): GuardAlert {
  const id = createHash("sha256").update(`${kind}|${key}`).digest("base64url").slice(0, 22);
  return { id, kind, severity: "critical", ...fields };
}

/** The JSON of a guard alert on the alerts topic and in webhooks. */
export function guardAlertRecord(alert: GuardAlert): Record<string, unknown> {
  return {
    type: "tokenwatch.guard_alert",
    id: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    ts: alert.ts,
    token: alert.tokenFp,
    summary: alert.summary,
    details: alert.details,
  };
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  low: 0,
  medium: 1,
  high: 2,
  critical: 3,
};

/** Whether `severity` is at or above `minimum`. */
export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum];
}

/**
 * A decision's severity: the highest among the findings that acted (shadow
 * findings are evidence, not the reason for the decision). A revocation is
 * at least `high`, whatever its rule says, because a person should know.
 */
export function decisionSeverity(decision: Decision): Severity {
  let best: Severity = decision.action === "revoke" ? "high" : "low";
  for (const finding of decision.findings) {
    if (finding.mode === "shadow") continue;
    if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[best]) best = finding.severity;
  }
  return best;
}
