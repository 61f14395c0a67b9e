import assert from "node:assert/strict";
import { test } from "node:test";
import type { DetectionInput } from "../../src/detect/finding.js";
import { RuleEngine } from "../../src/detect/rule-engine.js";
import { loadRules } from "../../src/detect/rules/load-rules.js";
import { input, RULES_DIR } from "./support.js";

async function findingsFor(given: DetectionInput) {
  return new RuleEngine(await loadRules(RULES_DIR)).detect(given);
}

test("a 401 after our revocation reaches only rules that ask about it", async () => {
  const rejected = input({
    event: { status: 401 },
    window: { afterRevocation: true, revokedAt: 1, networks5m: 9, denied5m: 80 },
  });
  const findings = await findingsFor(rejected);

  assert.deepEqual(
    findings.map((finding) => finding.ruleId),
    ["revoked-token-retried"],
  );
});

test("the same window without the revocation mark fires the burst and sharing rules", async () => {
  const burst = input({
    event: { status: 401 },
    window: { networks5m: 9, denied5m: 80 },
  });
  const findings = await findingsFor(burst);

  assert.deepEqual(findings.map((finding) => finding.ruleId).sort(), [
    "auth-failure-burst",
    "many-networks-short-window",
  ]);
});
