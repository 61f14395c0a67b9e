import assert from "node:assert/strict";
import { test } from "node:test";
import { AttackActivity } from "../../src/evaluate/attack-activity.js";
import { scoreSystem } from "../../src/evaluate/score.js";
import type { Verdict } from "../../src/evaluate/verdict.js";
import { ATTACKER, ATTACKER_REQUESTS, LABELS } from "./support.js";

const labels = new Map(LABELS.map((label) => [label.fingerprint, label]));

function activity(): AttackActivity {
  const tracked = new AttackActivity(labels);
  for (const [fp, ts] of ATTACKER_REQUESTS) tracked.observe(fp, ts, ATTACKER);
  tracked.observe("C", 1_040_000, "203.0.113.9"); // the owner's own request: not counted
  return tracked;
}

const verdict = (tokenFp: string, ts: number, action: Verdict["action"]): Verdict => ({
  tokenFp,
  ts,
  action,
  ruleId: "some-rule",
});

const VERDICTS: Verdict[] = [
  verdict("B", 100, "alert"),
  verdict("B", 200, "revoke"),
  verdict("C", 1_090_000, "revoke"),
  verdict("C", 1_030_000, "alert"),
  verdict("D", 1_500_000, "alert"), // before D's attack: a false alert, and D stays missed
  verdict("E", 3_010_000, "alert"),
  verdict("Z", 5, "alert"), // a token the labels do not name
];

const score = scoreSystem(labels, VERDICTS, activity());

test("alert precision counts flagged tokens: C and E of B, C, D, E", () => {
  assert.deepEqual(score.overall.alerts.precision, { value: 0.5, hits: 2, of: 4 });
  assert.equal(score.overall.alerts.falseTokens, 2);
});

test("alert recall counts tokens flagged after their attack started: C and E of C, D, E", () => {
  assert.deepEqual(score.overall.alerts.recall, { value: 0.6667, hits: 2, of: 3 });
});

test("revocation recall only counts tokens that should be revoked: C of C and D", () => {
  assert.deepEqual(score.overall.revocations.recall, { value: 0.5, hits: 1, of: 2 });
  assert.deepEqual(score.overall.revocations.precision, { value: 0.5, hits: 1, of: 2 });
});

test("false revocations are rated per 10,000 benign token-days: 1 in 10+10+5+5+5", () => {
  assert.equal(score.overall.benignTokenDays, 35);
  assert.equal(score.overall.revocations.falseRevocations, 1);
  assert.equal(score.overall.falseRevocationsPer10kTokenDays, 285.7143);
});

test("time to alert is the attacker's activity before the first verdict", () => {
  // C: alerted 30 s in, after 4 attacker requests; E: 10 s in, after 2. Quantiles
  // interpolate linearly: p90 = 10 + 0.9 × (30 − 10) = 28 s, 2 + 0.9 × 2 = 3.8 requests.
  assert.deepEqual(score.overall.timeToAlert, {
    tokens: 2,
    medianSeconds: 20,
    p90Seconds: 28,
    medianRequests: 3,
    p90Requests: 3.8,
  });
  assert.deepEqual(score.overall.timeToRevoke, {
    tokens: 1,
    medianSeconds: 90,
    p90Seconds: 90,
    medianRequests: 6,
    p90Requests: 6,
  });
});

test("each scenario is scored on its own tokens", () => {
  assert.deepEqual(Object.keys(score.scenarios), [
    "office-worker",
    "scraping-burst",
    "sharing",
    "theft-owner-active",
    "vpn-user",
  ]);
  const vpn = score.scenarios["vpn-user"];
  assert.equal(vpn?.revocations.falseRevocations, 1);
  assert.deepEqual(vpn?.alerts.recall, { value: null, hits: 0, of: 0 });
  assert.equal(score.scenarios.sharing?.timeToAlert.medianSeconds, 30);
  assert.deepEqual(score.scenarios["theft-owner-active"]?.alerts.recall, {
    value: 0,
    hits: 0,
    of: 1,
  });
});

test("verdicts on tokens the labels do not name are counted apart", () => {
  assert.equal(score.unlabelledTokens, 1);
});

test("attacker requests arriving out of order are still counted up to a time", () => {
  const tracked = new AttackActivity(labels);
  for (const ts of [1_020_000, 1_000_000, 1_010_000]) tracked.observe("C", ts, ATTACKER);
  assert.equal(tracked.requestsUntil("C", 1_010_000), 2);
  assert.equal(tracked.total("C"), 3);
  assert.equal(tracked.requestsUntil("A", 1_010_000), 0);
});
