import { FINGERPRINT_ALGORITHM, type RevocationSubject } from "./revocation-event.js";

/**
 * tokenwatch's own event type for taking a revocation back. CAEP has no
 * "session restored" event, so this is a private URN (RFC 8417 §2.2 allows
 * any URI); consumers that do not know it ignore it, as SET consumers must.
 */
export const REVOCATION_WITHDRAWN = "urn:tokenwatch:secevent:revocation-withdrawn";

export interface WithdrawalPayload {
  readonly subject: RevocationSubject;
  readonly event_timestamp: number;
  readonly initiating_entity: "admin";
  readonly reason_admin: { readonly en: string };
  readonly token_fingerprint: string;
  /** The decision whose revocation this withdraws, when the denylist or the claim knew it. */
  readonly withdrawn_decision: string | null;
}

/** The counter-event published to the revocations topic by `tokenwatch revocations undo`. */
export interface WithdrawalEvent {
  readonly iss: string;
  readonly jti: string;
  readonly iat: number;
  readonly aud: string;
  readonly txn: string | null;
  readonly events: Readonly<Record<string, WithdrawalPayload>>;
}

/**
 * Build the withdrawal SET for a token. Keyed by the same fingerprint as the
 * revocation, it lands in the same partition after it, so a consumer that
 * applies the topic in order ends up with the token allowed again.
 */
export function buildWithdrawalEvent(options: {
  tokenFp: string;
  /** The withdrawn decision, or null when no record names it. */
  decisionId: string | null;
  reason: string | null;
  issuer: string;
  audience: string;
  jti: string;
  now?: number;
}): WithdrawalEvent {
  const nowS = Math.floor((options.now ?? Date.now()) / 1000);
  const decision = options.decisionId || null;
  return {
    iss: options.issuer,
    jti: options.jti,
    iat: nowS,
    aud: options.audience,
    txn: decision,
    events: {
      [REVOCATION_WITHDRAWN]: {
        subject: { format: "opaque", id: options.tokenFp, alg: FINGERPRINT_ALGORITHM },
        event_timestamp: nowS,
        initiating_entity: "admin",
        reason_admin: { en: options.reason ?? "revocation withdrawn by an operator" },
        token_fingerprint: options.tokenFp,
        withdrawn_decision: decision,
      },
    },
  };
}
