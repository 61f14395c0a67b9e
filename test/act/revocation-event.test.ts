import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildRevocationEvent,
  FINGERPRINT_ALGORITHM,
  SESSION_REVOKED,
} from "../../src/act/revocation-event.js";
import type { Decision } from "../../src/decide/decision.js";
import type { Finding } from "../../src/detect/finding.js";
import type { TokenClaims } from "../../src/ingest/canonical-event.js";

const DECIDED_AT = Date.UTC(2025, 0, 15, 10, 0, 0, 750);
const PUBLISHED_AT = Date.UTC(2025, 0, 15, 10, 0, 2, 999);
const EXP = Date.UTC(2025, 0, 15, 12, 0, 0, 500);
const OPTIONS = {
  issuer: "https://tokenwatch.example.com",
  audience: "gateways",
  now: PUBLISHED_AT,
};

function finding(ruleId: string, evidence: Finding["evidence"]): Finding {
  return {
    ruleId,
    ruleVersion: 2,
    tokenFp: "fp-abc",
    severity: "high",
    score: 90,
    action: "revoke",
    mode: "enforce",
    cooldownMs: 1_800_000,
    evidence,
    ts: DECIDED_AT,
  };
}

function claims(fields: Partial<TokenClaims>): TokenClaims {
  return {
    iss: null,
    sub: null,
    aud: null,
    jti: null,
    clientId: null,
    scope: null,
    exp: null,
    iat: null,
    kid: null,
    ...fields,
  };
}

function decision(fields: Partial<Decision> = {}): Decision {
  return {
    id: "decision-id-0123456789",
    ts: DECIDED_AT,
    tokenFp: "fp-abc",
    action: "revoke",
    requestedAction: "revoke",
    ruleId: "many-networks-short-window",
    ruleVersion: 2,
    riskScore: 100,
    findings: [
      finding("token-over-plain-http", { "event.scheme": "http" }),
      finding("many-networks-short-window", { "window.networks5m": 6 }),
    ],
    guard: null,
    consumerId: "alice",
    credentialId: null,
    routeId: "orders",
    claims: null,
    source: { stream: "gateway-logs", partition: 0, offset: 41, index: 0 },
    ...fields,
  };
}

test("the SET names the issuer, audience and decision id, with iat in seconds", () => {
  const set = buildRevocationEvent(decision(), OPTIONS);

  assert.equal(set.iss, "https://tokenwatch.example.com");
  assert.equal(set.aud, "gateways");
  assert.equal(set.jti, "decision-id-0123456789");
  assert.equal(set.txn, "decision-id-0123456789");
  assert.equal(set.iat, Math.floor(PUBLISHED_AT / 1000));
  assert.deepEqual(Object.keys(set.events), [SESSION_REVOKED]);
  assert.equal(
    SESSION_REVOKED,
    "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
  );
});

test("a JWT with iss and jti is named by them, and deny_until is its exp in seconds", () => {
  const jwt = claims({ iss: "https://idp.example.com", jti: "jti-42", exp: EXP });

  const payload = buildRevocationEvent(decision({ claims: jwt }), OPTIONS).events[SESSION_REVOKED];

  assert.deepEqual(payload?.subject, {
    format: "jwt_id",
    iss: "https://idp.example.com",
    jti: "jti-42",
  });
  assert.equal(payload?.deny_until, Math.floor(EXP / 1000));
});

test("a token without both iss and jti is named by its fingerprint and algorithm", () => {
  const opaque = { format: "opaque", id: "fp-abc", alg: FINGERPRINT_ALGORITHM };
  const noJti = claims({ iss: "https://idp.example.com", exp: EXP });
  const noIss = claims({ jti: "jti-42" });

  for (const given of [null, noJti, noIss]) {
    const payload = buildRevocationEvent(decision({ claims: given }), OPTIONS).events[
      SESSION_REVOKED
    ];
    assert.deepEqual(payload?.subject, opaque);
  }
  assert.equal(FINGERPRINT_ALGORITHM, "HMAC-SHA256/128/base64url");
});

test("deny_until is null when the token's expiry is unknown", () => {
  const noExp = claims({ iss: "https://idp.example.com", jti: "jti-42" });

  for (const given of [null, noExp]) {
    const payload = buildRevocationEvent(decision({ claims: given }), OPTIONS).events[
      SESSION_REVOKED
    ];
    assert.equal(payload?.deny_until, null);
  }
});

test("the payload carries event time in seconds, the rule, the score and its evidence", () => {
  const payload = buildRevocationEvent(decision(), OPTIONS).events[SESSION_REVOKED];

  assert.deepEqual(payload, {
    subject: { format: "opaque", id: "fp-abc", alg: FINGERPRINT_ALGORITHM },
    event_timestamp: Math.floor(DECIDED_AT / 1000),
    initiating_entity: "policy",
    reason_admin: { en: "tokenwatch rule many-networks-short-window v2" },
    token_fingerprint: "fp-abc",
    rule: { id: "many-networks-short-window", version: 2 },
    risk_score: 100,
    evidence: { "window.networks5m": 6 },
    deny_until: null,
  });
});

test("iat falls back to the wall clock when no time is given", () => {
  const before = Math.floor(Date.now() / 1000);
  const set = buildRevocationEvent(decision(), { issuer: "tw", audience: "gw" });
  const after = Math.floor(Date.now() / 1000);

  assert.ok(set.iat >= before && set.iat <= after, `iat ${set.iat} outside [${before}, ${after}]`);
});
