import assert from "node:assert/strict";
import { test } from "node:test";
import { RuleEngine } from "../../src/detect/rule-engine.js";
import { loadRules } from "../../src/detect/rules/load-rules.js";
import type { CompiledRule } from "../../src/detect/rules/rule-set.js";
import { findingsFor, input, RULES_DIR, rule, ruleDir, ruleFile, yamlList } from "./support.js";

test("a firing rule yields a finding with its settings, token and event time", async () => {
  const given = input({ event: { ts: 1_700_000_000_000 }, window: { networks5m: 6 } });
  const [finding, ...rest] = await findingsFor({ "a.yaml": ruleFile(rule("nets")) }, given);

  assert.equal(rest.length, 0);
  assert.deepEqual(finding, {
    ruleId: "nets",
    ruleVersion: 1,
    tokenFp: "fixture-token",
    severity: "high",
    score: 80,
    action: "revoke",
    mode: "enforce",
    cooldownMs: 600_000,
    evidence: { "window.networks5m": 6 },
    ts: 1_700_000_000_000,
  });
});

test("default evidence is every window field the condition reads", async () => {
  const condition = '"window.networks5m >= 2 && window.requests5m > 10 && event.status == 200"';
  const given = input({ window: { networks5m: 3, requests5m: 11 } });
  const [finding] = await findingsFor({ "a.yaml": ruleFile(rule("ev", { condition })) }, given);

  assert.deepEqual(finding?.evidence, { "window.networks5m": 3, "window.requests5m": 11 });
});

test("declared evidence records event and window values, unknown strings as null", async () => {
  const evidence = yamlList([
    "event.network",
    "event.routeId",
    "window.minuteHistory",
    "window.networks5m > 4",
  ]);
  const given = input({
    event: { clientIp: "203.0.113.9", routeId: null },
    window: { networks5m: 5, minuteHistory: [1, 2] },
  });
  const [finding] = await findingsFor({ "a.yaml": ruleFile(rule("ev", { evidence })) }, given);

  assert.deepEqual(finding?.evidence, {
    "event.network": "203.0.113.9",
    "event.routeId": null,
    "window.minuteHistory": "[1,2]",
    "window.networks5m > 4": true,
  });
});

test("disabled rules are skipped unless asked for", async () => {
  const ruleSet = await loadRules(
    await ruleDir({ "a.yaml": ruleFile(rule("off", { enabled: "false" })) }),
  );
  const given = input({ window: { networks5m: 9 } });

  assert.equal(new RuleEngine(ruleSet).detect(given).length, 0);
  assert.equal(new RuleEngine(ruleSet, { includeDisabled: true }).detect(given).length, 1);
});

test("a rule that fails at evaluation is reported and the others still run", async () => {
  const broken = rule("divides", { condition: '"100 / (window.networks5m - 1) > 1"' });
  const ruleSet = await loadRules(await ruleDir({ "a.yaml": ruleFile(broken, rule("nets")) }));
  const errors: string[] = [];
  const engine = new RuleEngine(ruleSet, {
    onError: (failed: CompiledRule, err) =>
      errors.push(`${failed.id}: ${(err as Error).message.split("\n")[0]}`),
  });

  const findings = engine.detect(input({ window: { networks5m: 1 } }));

  assert.deepEqual(
    findings.map((finding) => finding.ruleId),
    [],
  );
  assert.deepEqual(errors, ["divides: division by zero"]);
  assert.deepEqual(
    engine.detect(input({ window: { networks5m: 5 } })).map((f) => f.ruleId),
    ["divides", "nets"],
  );
});

test("an excepted event is reported through onExcepted with the exception's name", async () => {
  const exceptions = "\n      - name: ci runners\n        consumers: [ci]";
  const ruleSet = await loadRules(
    await ruleDir({ "a.yaml": ruleFile(rule("nets", { exceptions })) }),
  );
  const excepted: string[] = [];
  const engine = new RuleEngine(ruleSet, {
    onExcepted: (r, name) => excepted.push(`${r.id}/${name}`),
  });

  const findings = engine.detect(input({ event: { consumerId: "ci" }, window: { networks5m: 7 } }));

  assert.equal(findings.length, 0);
  assert.deepEqual(excepted, ["nets/ci runners"]);
});

test("shadow and alert mode findings are returned with their mode", async () => {
  const files = {
    "a.yaml": ruleFile(rule("shadowed", { mode: "shadow" }), rule("alerting", { mode: "alert" })),
  };
  const findings = await findingsFor(files, input({ window: { networks5m: 5 } }));

  assert.deepEqual(
    findings.map((finding) => [finding.ruleId, finding.mode, finding.action]),
    [
      ["shadowed", "shadow", "revoke"],
      ["alerting", "alert", "revoke"],
    ],
  );
});

test("a macro is evaluated at most once per event however many rules read it", async () => {
  const ruleSet = await loadRules(
    await ruleDir({
      "a.yaml": `${ruleFile(
        rule("one", { condition: "spread" }),
        rule("two", { condition: "spread && window.requests5m > 0" }),
      )}\nmacros:\n  spread: window.networks5m >= 5\n`,
    }),
  );
  const [macro] = ruleSet.macros;
  assert.ok(macro);
  let calls = 0;
  const original = macro.expression.evaluate;
  const counted = Object.assign((ctx: Record<string, unknown>) => {
    calls++;
    return original(ctx);
  }, original);
  (macro.expression as { evaluate: typeof original }).evaluate = counted;

  const findings = new RuleEngine(ruleSet).detect(input({ window: { networks5m: 5 } }));

  assert.equal(findings.length, 2);
  assert.equal(calls, 1);
});

test("the shipped rules stay quiet on an ordinary request", async () => {
  const ruleSet = await loadRules(RULES_DIR);

  assert.deepEqual(new RuleEngine(ruleSet).detect(input()), []);
});
