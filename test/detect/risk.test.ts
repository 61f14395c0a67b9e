import assert from "node:assert/strict";
import { test } from "node:test";
import type { Finding } from "../../src/detect/finding.js";
import { assessRisk, requestedAction } from "../../src/detect/risk.js";

function finding(ruleId: string, fields: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    ruleVersion: 1,
    tokenFp: "fp",
    severity: "medium",
    score: 30,
    action: "alert",
    mode: "enforce",
    cooldownMs: 60_000,
    evidence: {},
    ts: 0,
    ...fields,
  };
}

test("no findings mean no risk and no action", () => {
  const risk = assessRisk([]);

  assert.equal(risk.score, 0);
  assert.equal(risk.enforceableScore, 0);
  assert.equal(risk.action, null);
  assert.deepEqual(risk.decisive, []);
});

test("scores add up and are capped at 100", () => {
  assert.equal(assessRisk([finding("a", { score: 30 }), finding("b", { score: 45 })]).score, 75);
  assert.equal(assessRisk([finding("a", { score: 90 }), finding("b", { score: 40 })]).score, 100);
});

test("the strongest enforced action wins: revoke over step_up over alert", () => {
  const risk = assessRisk([
    finding("alerts"),
    finding("revokes", { action: "revoke", score: 90 }),
    finding("steps-up", { action: "step_up" }),
  ]);

  assert.equal(risk.action, "revoke");
  assert.deepEqual(
    risk.decisive.map((f) => f.ruleId),
    ["revokes"],
  );
  assert.equal(assessRisk([finding("a"), finding("b", { action: "step_up" })]).action, "step_up");
});

test("alert mode downgrades any action to an alert and does not count as enforceable", () => {
  const risk = assessRisk([finding("loud", { action: "revoke", mode: "alert", score: 90 })]);

  assert.equal(requestedAction(risk.active[0] as Finding), "alert");
  assert.equal(risk.action, "alert");
  assert.equal(risk.score, 90);
  assert.equal(risk.enforceableScore, 0);
});

test("shadow findings request nothing and add nothing, but are reported", () => {
  const shadow = finding("trial", { action: "revoke", mode: "shadow", score: 90 });
  const risk = assessRisk([shadow, finding("exposed", { score: 10 })]);

  assert.equal(risk.action, "alert");
  assert.equal(risk.score, 10);
  assert.equal(risk.enforceableScore, 10);
  assert.deepEqual(risk.shadow, [shadow]);
  assert.equal(assessRisk([shadow]).action, null);
});
