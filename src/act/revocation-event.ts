import type { Decision } from "../decide/decision.js";

/** CAEP's event type for a revoked session (OpenID Shared Signals). */
export const SESSION_REVOKED =
  "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

/** How the subject's fingerprint was computed, so a consumer can compute it too. */
export const FINGERPRINT_ALGORITHM = "HMAC-SHA256/128/base64url";

export type RevocationSubject =
  | { readonly format: "jwt_id"; readonly iss: string; readonly jti: string }
  | { readonly format: "opaque"; readonly id: string; readonly alg: string };

/**
 * A Security Event Token (RFC 8417) carrying a CAEP `session-revoked` event
 * for one token. Gateways and identity providers consume these from the
 * revocations topic (keyed by fingerprint). The raw token never appears:
 * the subject is the JWT's `iss` + `jti` when known, else the fingerprint.
 */
export interface RevocationEvent {
  readonly iss: string;
  /** Unique per revocation; equals the decision id, so redelivery is idempotent downstream. */
  readonly jti: string;
  readonly iat: number;
  readonly aud: string;
  readonly txn: string;
  readonly events: Readonly<Record<string, RevocationPayload>>;
}

export interface RevocationPayload {
  readonly subject: RevocationSubject;
  /** Seconds since the epoch of the event that decided the revocation. */
  readonly event_timestamp: number;
  readonly initiating_entity: "policy";
  readonly reason_admin: { readonly en: string };
  readonly token_fingerprint: string;
  readonly rule: { readonly id: string; readonly version: number };
  readonly risk_score: number;
  readonly evidence: Readonly<Record<string, unknown>>;
  /** Until when gateways should deny the token (its `exp`), seconds, or null when unknown. */
  readonly deny_until: number | null;
}

/** Build the revocation SET for a `revoke` decision. */
export function buildRevocationEvent(
  decision: Decision,
  options: { issuer: string; audience: string; now?: number },
): RevocationEvent {
  const claims = decision.claims;
  const subject: RevocationSubject =
    claims?.iss && claims.jti
      ? { format: "jwt_id", iss: claims.iss, jti: claims.jti }
      : { format: "opaque", id: decision.tokenFp, alg: FINGERPRINT_ALGORITHM };

  const primary = decision.findings.find((finding) => finding.ruleId === decision.ruleId);
  const payload: RevocationPayload = {
    subject,
    event_timestamp: Math.floor(decision.ts / 1000),
    initiating_entity: "policy",
    reason_admin: { en: `tokenwatch rule ${decision.ruleId} v${decision.ruleVersion}` },
    token_fingerprint: decision.tokenFp,
    rule: { id: decision.ruleId, version: decision.ruleVersion },
    risk_score: decision.riskScore,
    evidence: primary?.evidence ?? {},
    deny_until: claims?.exp ? Math.floor(claims.exp / 1000) : null,
  };

  return {
    iss: options.issuer,
    jti: decision.id,
    iat: Math.floor((options.now ?? Date.now()) / 1000),
    aud: options.audience,
    txn: decision.id,
    events: { [SESSION_REVOKED]: payload },
  };
}
