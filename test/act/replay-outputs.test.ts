import assert from "node:assert/strict";
import { test } from "node:test";
import { guardAlert } from "../../src/act/guard-alert.js";
import { ReplayOutputs } from "../../src/act/replay-outputs.js";
import { testDecision } from "./decisions.js";

const storm = guardAlert("revocation_storm", "global|1", {
  ts: Date.UTC(2026, 10, 2, 9, 32),
  tokenFp: null,
  summary: "revocation storm: more than 3 revocations in one minute for all tokens",
  details: { scope: "global", limit: 3 },
});

test("readable replay output prints a storm after the decisions of its batch", async () => {
  const lines: string[] = [];
  const outputs = new ReplayOutputs((text) => lines.push(text), false);

  await outputs.deliver({ decisions: [testDecision()], rejects: [], guardAlerts: [storm] });

  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? "", /REVOKE {2}token YpIT6XGUc5mcSAlOCRronw/);
  assert.equal(
    lines[1],
    "2026-11-02T09:32:00.000Z  GUARD   revocation_storm  revocation storm: more than 3 " +
      "revocations in one minute for all tokens\n",
  );
  assert.deepEqual(outputs.guardAlerts, [storm]);
});

test("--json output keeps one decision shape per line and leaves guard alerts out", async () => {
  const lines: string[] = [];
  const outputs = new ReplayOutputs((text) => lines.push(text), true);

  await outputs.deliver({ decisions: [testDecision()], rejects: [], guardAlerts: [storm] });

  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0] ?? "{}").action, "revoke");
  assert.equal(outputs.guardAlerts.length, 1);
});
