import type { Decision } from "../decide/decision.js";
import type { Severity } from "../detect/finding.js";
import { alertRecord } from "./alert-record.js";
import { decisionSeverity, type GuardAlert, guardAlertRecord } from "./guard-alert.js";

/**
 * One thing a person may need to see — a decision or a guard alert — in the
 * form every alert sink (webhooks, Alertmanager) starts from. `record` is
 * exactly what the alerts topic carries, so all channels agree.
 */
export interface Notification {
  readonly id: string;
  readonly severity: Severity;
  /** Alertmanager `alertname`: `TokenwatchDecision`, `TokenwatchRevocationStorm`, … */
  readonly alertname: string;
  readonly summary: string;
  /** Event time the notification is about, epoch ms. */
  readonly ts: number;
  /** Bounded labels for Alertmanager routing; a fingerprint is fine there, a raw token never. */
  readonly labels: Readonly<Record<string, string>>;
  readonly record: Readonly<Record<string, unknown>>;
}

/** A decision as a notification. */
export function decisionNotification(decision: Decision): Notification {
  const severity = decisionSeverity(decision);
  return {
    id: decision.id,
    severity,
    alertname: "TokenwatchDecision",
    summary:
      `tokenwatch ${decision.action} for token ${decision.tokenFp}: ` +
      `rule ${decision.ruleId} v${decision.ruleVersion}, risk ${decision.riskScore}`,
    ts: decision.ts,
    labels: {
      action: decision.action,
      rule: decision.ruleId,
      token_fingerprint: decision.tokenFp,
      ...(decision.consumerId ? { consumer: decision.consumerId } : {}),
      ...(decision.guard ? { guard: decision.guard } : {}),
    },
    record: { ...alertRecord(decision), severity },
  };
}

/** A guard alert as a notification; always critical. */
export function guardNotification(alert: GuardAlert): Notification {
  const alertname =
    alert.kind === "revocation_storm"
      ? "TokenwatchRevocationStorm"
      : "TokenwatchRevocationNotEnforced";
  return {
    id: alert.id,
    severity: alert.severity,
    alertname,
    summary: alert.summary,
    ts: alert.ts,
    labels: {
      kind: alert.kind,
      ...(alert.tokenFp ? { token_fingerprint: alert.tokenFp } : {}),
    },
    record: guardAlertRecord(alert),
  };
}
