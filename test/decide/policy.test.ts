import assert from "node:assert/strict";
import { test } from "node:test";
import type { Config } from "../../src/config/schema.js";
import { decisionId } from "../../src/decide/decision.js";
import type { Finding } from "../../src/detect/finding.js";
import type { TokenClaims } from "../../src/ingest/canonical-event.js";
import {
  counterValue,
  DEFAULTS,
  guardedPolicy,
  revokeFinding,
  type TokenEvent,
  tokenEvent,
} from "./guard-support.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const FP = "fp-policy-test";

/** A policy over the memory store with the default guards. */
function setup(policy: Partial<Config["policy"]> = {}) {
  return guardedPolicy({}, undefined, policy);
}

/** An event of token `FP` at `ts`, read from offset `offset` of partition 0. */
function event(ts: number, offset: number, claims: TokenClaims | null = null): TokenEvent {
  return tokenEvent(FP, ts, offset, {
    credentialId: "cred-1",
    token: { fingerprint: FP, location: "header", kind: "opaque", claims },
  });
}

function finding(ruleId: string, fields: Partial<Finding> = {}): Finding {
  return revokeFinding(FP, {
    ruleId,
    cooldownMs: 30 * MINUTE,
    evidence: { "window.networks5m": 6 },
    ts: T0,
    ...fields,
  });
}

test("shadow findings never produce a decision", async () => {
  const { policy, metrics, store } = setup();

  const decision = await policy.decide(event(T0, 1), [
    finding("trial-rule", { mode: "shadow", score: 100 }),
  ]);

  assert.equal(decision, null);
  assert.equal(await store.isRevoked(FP), false);
  assert.deepEqual((await metrics.decisions.get()).values, []);
});

test("shadow findings claim no cooldown, so a rule promoted to enforce acts at once", async () => {
  const { policy } = setup();

  await policy.decide(event(T0, 1), [finding("promoted-rule", { mode: "shadow" })]);
  const enforced = await policy.decide(event(T0 + MINUTE, 2), [finding("promoted-rule")]);

  assert.equal(enforced?.action, "revoke");
});

test("a revoke rule in alert mode yields an alert", async () => {
  const { policy, store } = setup();

  const decision = await policy.decide(event(T0, 1), [finding("loud-rule", { mode: "alert" })]);

  assert.equal(decision?.action, "alert");
  assert.equal(decision?.requestedAction, "alert");
  assert.equal(decision?.guard, null);
  assert.equal(decision?.ruleId, "loud-rule");
  assert.equal(await store.isRevoked(FP), false);
});

test("a revoke at or above revokeScore revokes once; a later event only alerts", async () => {
  const { policy, store } = setup();
  const first = event(T0, 1);
  const second = event(T0 + MINUTE, 2);

  const revoked = await policy.decide(first, [
    finding("many-networks", { score: DEFAULTS.policy.revokeScore }),
  ]);
  const again = await policy.decide(second, [finding("other-revoke-rule")]);

  assert.equal(revoked?.action, "revoke");
  assert.equal(revoked?.guard, null);
  assert.equal(revoked?.id, decisionId(FP, first.source));
  assert.equal(await store.isRevoked(FP), true);

  assert.equal(again?.action, "alert");
  assert.equal(again?.requestedAction, "revoke");
  assert.equal(again?.guard, "already_revoked");
  assert.notEqual(again?.id, revoked?.id);
});

test("the same event decided again revokes until confirmed, then decides nothing", async () => {
  const { policy, store } = setup();
  const redelivered = event(T0, 7);
  const findings = [finding("many-networks")];

  const first = await policy.decide(redelivered, findings);
  const beforeConfirm = await policy.decide(redelivered, findings);
  await store.confirmRevocation(FP, first?.id ?? "", T0);
  const afterConfirm = await policy.decide(redelivered, findings);

  assert.equal(first?.action, "revoke");
  assert.equal(beforeConfirm?.action, "revoke");
  assert.equal(beforeConfirm?.id, first?.id);
  assert.equal(afterConfirm, null);
});

test("dry run turns a revocation into an alert and claims nothing", async () => {
  const { policy, store, metrics } = setup({ dryRun: true });

  const decision = await policy.decide(event(T0, 1), [finding("many-networks")]);

  assert.equal(decision?.action, "alert");
  assert.equal(decision?.requestedAction, "revoke");
  assert.equal(decision?.guard, "dry_run");
  assert.equal(await store.isRevoked(FP), false);
  assert.equal(await counterValue(metrics.revocations, { outcome: "dry_run" }), 1);
});

test("an enforceable score below revokeScore alerts with guard below_score", async () => {
  const { policy, store } = setup();
  const below = DEFAULTS.policy.revokeScore - 1;

  const decision = await policy.decide(event(T0, 1), [finding("weak-rule", { score: below })]);

  assert.equal(decision?.action, "alert");
  assert.equal(decision?.requestedAction, "revoke");
  assert.equal(decision?.guard, "below_score");
  assert.equal(decision?.riskScore, below);
  assert.equal(await store.isRevoked(FP), false);
});

test("alert-mode findings raise the risk score but never help reach revokeScore", async () => {
  const { policy } = setup();

  const decision = await policy.decide(event(T0, 1), [
    finding("weak-revoke", { score: 50 }),
    finding("loud-alert", { mode: "alert", score: 50 }),
  ]);

  assert.equal(decision?.riskScore, 100);
  assert.equal(decision?.action, "alert");
  assert.equal(decision?.guard, "below_score");
});

test("a rule decides at most once per cooldown, in event time", async () => {
  const { policy } = setup();
  const ten = 10 * MINUTE;
  const alerting = (ts: number) => [finding("rate-rule", { action: "alert", cooldownMs: ten, ts })];

  const first = await policy.decide(event(T0, 1), alerting(T0));
  const within = await policy.decide(event(T0 + ten - 1, 2), alerting(T0 + ten - 1));
  const after = await policy.decide(event(T0 + ten + 1, 3), alerting(T0 + ten + 1));

  assert.equal(first?.action, "alert");
  assert.equal(within, null);
  assert.equal(after?.action, "alert");
  assert.equal(after?.ts, T0 + ten + 1);
});

test("the decision is named after the top decisive finding and keeps them all", async () => {
  const { policy } = setup();
  const findings = [
    finding("small-revoke", { score: 40, ruleVersion: 2 }),
    finding("big-revoke", { score: 60, ruleVersion: 3 }),
    finding("exposure", { action: "alert", score: 10 }),
    finding("trial", { mode: "shadow", score: 100 }),
  ];

  const decision = await policy.decide(event(T0, 1), findings);

  assert.equal(decision?.action, "revoke");
  assert.equal(decision?.ruleId, "big-revoke");
  assert.equal(decision?.ruleVersion, 3);
  assert.equal(decision?.riskScore, 100);
  assert.deepEqual(decision?.findings, findings);
  assert.equal(decision?.consumerId, "alice");
  assert.equal(decision?.credentialId, "cred-1");
  assert.equal(decision?.routeId, "orders");
});

test("decisions and revocation outcomes are counted by action, rule and outcome", async () => {
  const { policy, metrics } = setup();

  await policy.decide(event(T0, 1), [finding("many-networks")]);
  await policy.decide(event(T0 + MINUTE, 2), [finding("other-revoke-rule")]);
  await policy.decide(event(T0 + MINUTE, 3), [finding("exposure", { action: "alert" })]);

  const revoked = { action: "revoke", rule: "many-networks" };
  const refused = { action: "alert", rule: "other-revoke-rule" };
  const exposure = { action: "alert", rule: "exposure" };
  assert.equal(await counterValue(metrics.decisions, revoked), 1);
  assert.equal(await counterValue(metrics.decisions, refused), 1);
  assert.equal(await counterValue(metrics.decisions, exposure), 1);
  assert.equal(await counterValue(metrics.revocations, { outcome: "already" }), 1);

  const text = await metrics.registry.getSingleMetricAsString("tokenwatch_decisions_total");
  assert.match(text, /tokenwatch_decisions_total\{action="revoke",rule="many-networks"\} 1/);
});

test("a token's revocation claim lasts until a day past its expiry", async () => {
  const { policy, store } = setup();
  const day = 24 * 60 * MINUTE;
  const exp = T0 + 2 * 60 * MINUTE;
  const claims: TokenClaims = {
    iss: "https://idp.example.com",
    sub: "alice",
    aud: null,
    jti: "jti-1",
    clientId: null,
    scope: null,
    exp,
    iat: null,
    kid: null,
  };

  await policy.decide(event(T0, 1, claims), [finding("many-networks")]);
  await store.observe("fp-clock", [clockAt(exp + day - 1)]);
  const heldBeforeMargin = await store.isRevoked(FP);
  await store.observe("fp-clock", [clockAt(exp + day)]);

  assert.equal(heldBeforeMargin, true);
  assert.equal(await store.isRevoked(FP), false);
});

/** An observation of another token, only to move the memory store's event-time clock. */
function clockAt(ts: number) {
  return {
    ts,
    network: "198.51.100.1",
    userAgent: "curl",
    status: 200,
    partitionKey: "clock/0",
    offset: null,
    expiresAt: null,
  };
}
