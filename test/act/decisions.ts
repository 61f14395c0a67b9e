import type { Decision } from "../../src/decide/decision.js";
import type { Finding } from "../../src/detect/finding.js";

/** A token fingerprint as tokenwatch makes them: 22 base64url characters. */
export const TOKEN_FP = "YpIT6XGUc5mcSAlOCRronw";

export function testFinding(fields: Partial<Finding> = {}): Finding {
  return {
    ruleId: "many-networks-short-window",
    ruleVersion: 2,
    tokenFp: TOKEN_FP,
    severity: "high",
    score: 90,
    action: "revoke",
    mode: "enforce",
    cooldownMs: 1_800_000,
    evidence: { "window.networks5m": 6 },
    ts: Date.UTC(2026, 10, 2, 9, 32, 15),
    ...fields,
  };
}

/** A revoke decision of TOKEN_FP; override any field. */
export function testDecision(fields: Partial<Decision> = {}): Decision {
  const finding = testFinding();
  return {
    id: "decision-id-0123456789",
    ts: finding.ts,
    tokenFp: TOKEN_FP,
    action: "revoke",
    requestedAction: "revoke",
    ruleId: finding.ruleId,
    ruleVersion: finding.ruleVersion,
    riskScore: 90,
    findings: [finding],
    guard: null,
    consumerId: "alice",
    credentialId: null,
    routeId: "orders",
    claims: null,
    source: { stream: "gateway-logs", partition: 0, offset: 41, index: 0 },
    ...fields,
  };
}
