import assert from "node:assert/strict";
import { test } from "node:test";
import { RuleTally } from "../../src/evaluate/rule-scores.js";
import { LABELS } from "./support.js";

const labels = new Map(LABELS.map((label) => [label.fingerprint, label]));
const RULES = [
  { id: "r1", mode: "enforce", action: "revoke" },
  { id: "r2", mode: "shadow", action: "alert" },
];

function scores() {
  const tally = new RuleTally(labels);
  tally.add({ tokenFp: "B", ts: 100, ruleId: "r1" }); // an owner alone: a benign fire
  tally.add({ tokenFp: "C", ts: 500, ruleId: "r1" }); // C before its attack: benign too
  tally.add({ tokenFp: "C", ts: 1_020_000, ruleId: "r1" }); // C under attack: a hit
  tally.add({ tokenFp: "Z", ts: 7, ruleId: "r3" }); // a rule the set does not list, on no label
  return new Map(tally.scores(RULES, 1_000).map((score) => [score.id, score]));
}

test("a rule's precision and recall count tokens, its fire rates count findings", () => {
  assert.deepEqual(scores().get("r1"), {
    id: "r1",
    mode: "enforce",
    action: "revoke",
    findings: 3,
    tokens: 2,
    precision: 0.5, // C of B and C
    recall: 0.3333, // C of C, D and E
    benignFiresPer10kTokenDays: 571.4286, // 2 findings × 10,000 / 35 token-days
    firesPer1kEvents: 3,
    caught: { sharing: 1 },
  });
});

test("a listed rule that never fired is reported with zeros", () => {
  const r2 = scores().get("r2");
  assert.equal(r2?.findings, 0);
  assert.equal(r2?.precision, null);
  assert.equal(r2?.recall, 0);
  assert.equal(r2?.benignFiresPer10kTokenDays, 0);
});

test("a rule id that fired but is not in the rule set is still reported", () => {
  const r3 = scores().get("r3");
  assert.equal(r3?.mode, "unknown");
  assert.equal(r3?.findings, 1);
  assert.equal(r3?.tokens, 0);
  assert.deepEqual([...scores().keys()], ["r1", "r2", "r3"]);
});
