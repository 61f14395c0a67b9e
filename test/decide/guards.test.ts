import assert from "node:assert/strict";
import { test } from "node:test";
import type { GuardAlert } from "../../src/act/guard-alert.js";
import { counterValue, guardedPolicy, revokeFinding, T0, tokenEvent } from "./guard-support.js";

const fp = (n: number) => `token-${String(n).padStart(3, "0")}`;

test("each allowlist turns a revocation into an alert with guard allowlisted", async () => {
  const cases: Array<{ guards: Record<string, string[]>; event: object; list: string }> = [
    { guards: { tokens: ["token-001"] }, event: {}, list: "token" },
    { guards: { consumers: ["ci-bot"] }, event: { consumerId: "ci-bot" }, list: "consumer" },
    { guards: { routes: ["health"] }, event: { routeId: "health" }, list: "route" },
    { guards: { cidrs: ["192.0.2.0/24"] }, event: {}, list: "cidr" },
  ];

  for (const { guards, event, list } of cases) {
    const allowlist = {
      ...{ tokens: [], consumers: [], cidrs: [], asns: [], routes: [] },
      ...guards,
    };
    const { policy, store, metrics } = guardedPolicy({ allowlist });

    const decision = await policy.decide(tokenEvent(fp(1), T0, 1, event), [revokeFinding(fp(1))]);

    assert.equal(decision?.action, "alert", list);
    assert.equal(decision?.requestedAction, "revoke", list);
    assert.equal(decision?.guard, "allowlisted", list);
    assert.equal(await store.isRevoked(fp(1)), false, list);
    assert.equal(await counterValue(metrics.allowlisted, { list }), 1, list);
  }
});

test("the ASN allowlist matches when enrichment supplies the ASN, and only then", async () => {
  const allowlist = { tokens: [], consumers: [], cidrs: [], asns: [64500], routes: [] };
  const { policy } = guardedPolicy({ allowlist });

  const without = await policy.decide(tokenEvent(fp(1), T0, 1), [revokeFinding(fp(1))]);
  const withAsn = await policy.decide(tokenEvent(fp(2), T0, 2), [revokeFinding(fp(2))], {
    asn: 64500,
  });

  assert.equal(without?.action, "revoke");
  assert.equal(withAsn?.guard, "allowlisted");
});

test("step-ups of allowlisted tokens become alerts too; plain alerts pass untouched", async () => {
  const allowlist = { tokens: [fp(1)], consumers: [], cidrs: [], asns: [], routes: [] };
  const { policy } = guardedPolicy({ allowlist });

  const stepUp = await policy.decide(tokenEvent(fp(1), T0, 1), [
    revokeFinding(fp(1), { action: "step_up", ruleId: "step" }),
  ]);
  const alert = await policy.decide(tokenEvent(fp(1), T0, 2), [
    revokeFinding(fp(1), { action: "alert", ruleId: "loud" }),
  ]);

  assert.deepEqual([stepUp?.action, stepUp?.guard], ["alert", "allowlisted"]);
  assert.deepEqual([alert?.action, alert?.guard], ["alert", null]);
});

/**
 * A policy as one batch drives it: every decision adds its guard alerts to
 * the batch's own list (the pipeline passes one per batch).
 */
function batchPolicy(...args: Parameters<typeof guardedPolicy>) {
  const built = guardedPolicy(...args);
  const alerts: GuardAlert[] = [];
  const decide = (...call: Parameters<typeof built.policy.decide>) =>
    built.policy.decide(call[0], call[1], call[2], alerts);
  return { ...built, alerts, decide };
}

test("past the global budget revocations become alerts and one storm alert is raised", async () => {
  const { decide, alerts, store, metrics } = batchPolicy({
    revocationsPerMinute: 3,
    revocationsPerConsumerPerMinute: 0,
  });

  const actions: string[] = [];
  for (let i = 1; i <= 8; i++) {
    const decision = await decide(tokenEvent(fp(i), T0 + i, i), [revokeFinding(fp(i))]);
    actions.push(`${decision?.action}:${decision?.guard}`);
  }

  assert.deepEqual(actions, [
    "revoke:null",
    "revoke:null",
    "revoke:null",
    ...Array(5).fill("alert:revocation_budget"),
  ]);
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]?.kind, "revocation_storm");
  assert.equal(alerts[0]?.severity, "critical");
  assert.deepEqual(alerts[0]?.details, {
    scope: "global",
    limit: 3,
    consumerId: null,
    windowStart: T0,
  });
  assert.equal(await store.isRevoked(fp(4)), false, "a refused token keeps no claim");
  assert.equal(await counterValue(metrics.revocations, { outcome: "budget_exceeded" }), 5);
});

test("the per-consumer budget stops one consumer while others still get revoked", async () => {
  const { decide, alerts } = batchPolicy({
    revocationsPerMinute: 100,
    revocationsPerConsumerPerMinute: 2,
  });

  const actions: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const mallory = tokenEvent(fp(i), T0, i, { consumerId: "mallory" });
    actions.push((await decide(mallory, [revokeFinding(fp(i))]))?.action ?? "none");
  }
  const bob = tokenEvent(fp(9), T0, 9, { consumerId: "bob" });
  const bobs = await decide(bob, [revokeFinding(fp(9))]);

  assert.deepEqual(actions, ["revoke", "revoke", "alert", "alert"]);
  assert.equal(bobs?.action, "revoke");
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]?.details.scope, "consumer");
  assert.equal(alerts[0]?.details.consumerId, "mallory");
  assert.match(alerts[0]?.summary ?? "", /revocations in one minute for consumer mallory;/);
});

test("tokens without a consumer id count only against the global budget", async () => {
  const { decide, alerts, metrics } = batchPolicy({
    revocationsPerMinute: 20,
    revocationsPerConsumerPerMinute: 5,
  });

  const actions: string[] = [];
  for (let i = 1; i <= 21; i++) {
    const anonymous = tokenEvent(fp(i), T0 + i, i, { consumerId: null });
    const decision = await decide(anonymous, [revokeFinding(fp(i))]);
    actions.push(`${decision?.action}:${decision?.guard}`);
  }

  assert.deepEqual(actions, [...Array(20).fill("revoke:null"), "alert:revocation_budget"]);
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]?.details, {
    scope: "global",
    limit: 20,
    consumerId: null,
    windowStart: T0,
  });
  assert.match(alerts[0]?.summary ?? "", /more than 20 revocations in one minute for all tokens/);
  assert.equal(await counterValue(metrics.revocations, { outcome: "budget_exceeded" }), 1);
});

test("the budget refills in the next minute", async () => {
  const { decide, alerts } = batchPolicy({
    revocationsPerMinute: 1,
    revocationsPerConsumerPerMinute: 0,
  });

  const first = await decide(tokenEvent(fp(1), T0, 1), [revokeFinding(fp(1))]);
  const refused = await decide(tokenEvent(fp(2), T0 + 1_000, 2), [revokeFinding(fp(2))]);
  const nextMinute = await decide(tokenEvent(fp(3), T0 + 60_000, 3), [revokeFinding(fp(3))]);

  assert.deepEqual(
    [first?.action, refused?.action, nextMinute?.action],
    ["revoke", "alert", "revoke"],
  );
  assert.deepEqual(
    alerts.map((alert) => alert.details.windowStart),
    [T0],
    "one storm, for the exhausted minute only",
  );
});

test("findings on an already revoked token never use up the budget", async () => {
  const { decide, alerts } = batchPolicy({
    revocationsPerMinute: 2,
    revocationsPerConsumerPerMinute: 0,
  });

  await decide(tokenEvent(fp(1), T0, 1), [revokeFinding(fp(1))]);
  for (let i = 2; i <= 6; i++) {
    const again = await decide(tokenEvent(fp(1), T0 + i, i), [
      revokeFinding(fp(1), { ruleId: `rule-${i}` }),
    ]);
    assert.equal(again?.guard, "already_revoked");
  }
  const other = await decide(tokenEvent(fp(2), T0 + 10, 10), [revokeFinding(fp(2))]);

  assert.equal(other?.action, "revoke");
  assert.deepEqual(alerts, []);
});

test("dry run wins over the budget: nothing is revoked and no storm is raised", async () => {
  const { decide, alerts } = batchPolicy(
    { revocationsPerMinute: 1, revocationsPerConsumerPerMinute: 0 },
    undefined,
    { dryRun: true },
  );

  for (let i = 1; i <= 3; i++) {
    const decision = await decide(tokenEvent(fp(i), T0, i), [revokeFinding(fp(i))]);
    assert.equal(decision?.guard, "dry_run");
  }
  assert.deepEqual(alerts, []);
});

test("a storm alert goes to the batch that raised it, not to another in flight", async () => {
  const { policy } = guardedPolicy({ revocationsPerMinute: 1, revocationsPerConsumerPerMinute: 0 });
  const firstBatch: GuardAlert[] = [];
  const secondBatch: GuardAlert[] = [];

  await policy.decide(tokenEvent(fp(1), T0, 1), [revokeFinding(fp(1))], undefined, firstBatch);
  await policy.decide(tokenEvent(fp(2), T0 + 1, 2), [revokeFinding(fp(2))], undefined, secondBatch);

  assert.deepEqual(firstBatch, []);
  assert.deepEqual(
    secondBatch.map((alert) => alert.kind),
    ["revocation_storm"],
  );
});
