import assert from "node:assert/strict";
import { test } from "node:test";
import { AttackActivity } from "../../src/evaluate/attack-activity.js";
import { figures } from "../../src/evaluate/score.js";
import { checkTargets } from "../../src/evaluate/targets.js";
import type { Verdict } from "../../src/evaluate/verdict.js";
import { byToken } from "../../src/evaluate/verdict.js";
import { ATTACKER, ATTACKER_REQUESTS, LABELS } from "./support.js";

const labels = new Map(LABELS.map((label) => [label.fingerprint, label]));
const activity = new AttackActivity(labels);
for (const [fp, ts] of ATTACKER_REQUESTS) activity.observe(fp, ts, ATTACKER);

function results(verdicts: Verdict[]) {
  const grouped = byToken(verdicts);
  const pick = (keep: (family: string) => boolean) =>
    figures(
      LABELS.filter((label) => keep(label.family)),
      grouped,
      activity,
    );
  return new Map(
    checkTargets({
      overall: pick(() => true),
      sharingTheft: pick((family) => family === "sharing" || family === "theft"),
      benign: pick((family) => family === "benign"),
    }).map((result) => [result.id, result]),
  );
}

test("missed targets show by how much, as a positive gap", () => {
  const outcome = results([
    { tokenFp: "B", ts: 200, action: "revoke", ruleId: "x" },
    { tokenFp: "C", ts: 1_090_000, action: "revoke", ruleId: "x" },
  ]);
  // Sharing and theft: C of C and D detected, 0.5 against 0.95.
  assert.deepEqual(outcome.get("sharing-theft-recall")?.gap, 0.45);
  assert.equal(outcome.get("sharing-theft-recall")?.met, false);
  // C of C and D revoked: 0.5 against 0.95 as well.
  assert.equal(outcome.get("sharing-theft-revocation-recall")?.gap, 0.45);
  // B revoked: 1 × 10,000 / 35 token-days = 285.7143, against at most 1.
  assert.equal(outcome.get("false-revocations-per-10k-token-days")?.gap, 284.7143);
  assert.equal(outcome.get("benign-revocations")?.actual, 1);
  assert.equal(outcome.get("benign-revocations")?.met, false);
  // C detected 90 s into the attack, against at most 60 s.
  assert.equal(outcome.get("median-seconds-to-detect")?.gap, 30);
});

test("met targets show their margin as a zero or negative gap", () => {
  const outcome = results([
    { tokenFp: "C", ts: 1_020_000, action: "revoke", ruleId: "x" },
    { tokenFp: "D", ts: 2_005_000, action: "alert", ruleId: "x" },
  ]);
  const gaps = Object.fromEntries([...outcome].map(([id, result]) => [id, result.gap]));
  // Recall 1 (−0.05); median of 20 s and 5 s is 12.5 s (−47.5); nothing revoked falsely.
  assert.deepEqual(gaps, {
    "sharing-theft-recall": -0.05,
    "sharing-theft-revocation-recall": 0.45,
    "false-revocations-per-10k-token-days": -1,
    "median-seconds-to-detect": -47.5,
    "benign-revocations": 0,
  });
  // D was only alerted on: revocation recall stays at C of C and D.
  const met = [...outcome.values()].filter((result) => result.met).map((result) => result.id);
  assert.equal(met.length, 4);
  assert.equal(outcome.get("sharing-theft-revocation-recall")?.met, false);
});

test("a target with nothing to measure is not met", () => {
  const outcome = results([]);
  assert.equal(outcome.get("median-seconds-to-detect")?.actual, null);
  assert.equal(outcome.get("median-seconds-to-detect")?.met, false);
});
