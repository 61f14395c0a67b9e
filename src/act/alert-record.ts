import type { Decision } from "../decide/decision.js";
import type { Finding } from "../detect/finding.js";
import type { RejectedInput } from "../pipeline/pipeline.js";

/**
 * The JSON published to the alerts topic for every decision (alerts, step-ups
 * and revocations alike), keyed by token fingerprint. It holds fingerprints,
 * gateway ids and evidence numbers only — never a raw token.
 */
export function alertRecord(decision: Decision): Record<string, unknown> {
  return {
    type: "tokenwatch.decision",
    id: decision.id,
    ts: decision.ts,
    token: decision.tokenFp,
    action: decision.action,
    requestedAction: decision.requestedAction,
    guard: decision.guard,
    ruleId: decision.ruleId,
    ruleVersion: decision.ruleVersion,
    riskScore: decision.riskScore,
    consumerId: decision.consumerId,
    credentialId: decision.credentialId,
    routeId: decision.routeId,
    findings: decision.findings.map(findingRecord),
    source: decision.source,
  };
}

/** The JSON published to the dead-letter topic for input that was set aside. */
export function deadLetterRecord(reject: RejectedInput, now = Date.now()): Record<string, unknown> {
  return {
    type: "tokenwatch.rejected",
    reason: reject.reason,
    message: reject.message,
    format: reject.format,
    source: reject.source,
    rejectedAt: now,
    payload: reject.redactedPayload,
  };
}

/** A finding as published in alert and audit records: what fired, how hard, and why. */
export function findingRecord(finding: Finding): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    ruleVersion: finding.ruleVersion,
    severity: finding.severity,
    score: finding.score,
    action: finding.action,
    mode: finding.mode,
    evidence: finding.evidence,
  };
}
