import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { Decision } from "../decide/decision.js";
import { findingRecord } from "./alert-record.js";

/** The policy settings a decision was taken under, recorded beside it. */
export interface AuditContext {
  readonly dryRun: boolean;
  readonly revokeScore: number;
  /** Where a revocation was sent: the enforcement targets that were configured. */
  readonly targets: readonly string[];
}

/**
 * The audit record of one decision, published to `audit.topic` keyed by
 * token fingerprint: what was asked, what was done and why (the guard), the
 * evidence of every finding, where the event came from, and the policy in
 * force. It answers "why was this token revoked (or not)?" months later.
 */
export function decisionAuditRecord(
  decision: Decision,
  context: AuditContext,
  now = Date.now(),
): Record<string, unknown> {
  return {
    type: "tokenwatch.audit",
    kind: "decision",
    id: decision.id,
    decidedAt: now,
    ts: decision.ts,
    token: decision.tokenFp,
    requestedAction: decision.requestedAction,
    action: decision.action,
    guard: decision.guard,
    ruleId: decision.ruleId,
    ruleVersion: decision.ruleVersion,
    riskScore: decision.riskScore,
    consumerId: decision.consumerId,
    credentialId: decision.credentialId,
    routeId: decision.routeId,
    subject: decision.claims?.jti ? { iss: decision.claims.iss, jti: decision.claims.jti } : null,
    findings: decision.findings.map(findingRecord),
    policy: { dryRun: context.dryRun, revokeScore: context.revokeScore },
    targets: decision.action === "revoke" ? context.targets : [],
    source: decision.source,
  };
}

/** What a person did by hand through the CLI. */
export type OverrideKind = "revocation_undone" | "false_positive";

/** The audit record of a manual override, so the audit topic tells the whole story. */
export function overrideAuditRecord(fields: {
  kind: OverrideKind;
  tokenFp: string;
  decisionId: string | null;
  ruleId: string | null;
  reason: string | null;
  now?: number;
}): Record<string, unknown> {
  return {
    type: "tokenwatch.audit",
    kind: fields.kind,
    id: randomUUID(),
    decidedAt: fields.now ?? Date.now(),
    token: fields.tokenFp,
    decisionId: fields.decisionId,
    ruleId: fields.ruleId,
    reason: fields.reason,
    actor: actor(),
  };
}

/** The OS user running the CLI; audit trails need a who, even a coarse one. */
function actor(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
