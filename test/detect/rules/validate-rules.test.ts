import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { validateRules } from "../../../src/detect/rules/validate-rules.js";
import { RULES_DIR, rule, ruleDir, ruleFile } from "../support.js";

test("the shipped rules validate with every rule summarized", async () => {
  const report = await validateRules(RULES_DIR);

  assert.equal(report.ok, true);
  assert.deepEqual(report.problems, []);
  assert.equal(report.rules.length, 17);
  assert.deepEqual(
    report.rules.find((r) => r.id === "rate-above-baseline"),
    {
      id: "rate-above-baseline",
      version: 1,
      file: join(RULES_DIR, "rate.yaml"),
      line: 26,
      kind: "statistical",
      enabled: true,
      mode: "enforce",
      action: "alert",
    },
  );
  assert.deepEqual(report.macros, ["is_health_check"]);
});

test("every problem in every file is reported, in file and line order", async () => {
  const dir = await ruleDir({
    "a.yaml": ruleFile(
      rule("one", { severity: "huge" }),
      rule("two", { condition: "window.nope > 1" }),
    ),
    "b.yaml": "version: 1\nrules:\n  - id: [\n",
  });

  const report = await validateRules(dir);

  assert.equal(report.ok, false);
  assert.deepEqual(
    report.problems.map((p) => [p.file, p.line, p.ruleId, p.field]),
    [
      [join(dir, "a.yaml"), 7, "one", "severity"],
      [join(dir, "a.yaml"), 15, "two", "condition"],
      [join(dir, "b.yaml"), 4, null, null],
    ],
  );
  assert.match(
    report.problems[1]?.message ?? "",
    /a\.yaml:15, rule two, field condition: CEL: No such key: nope$/,
  );
});

test("every problem of one rule is reported, a wrong type not hiding an unknown key", async () => {
  const dir = await ruleDir({
    "a.yaml": ruleFile(rule("paint", { score: '"80"', colour: "red", severity: "huge" })),
  });

  const report = await validateRules(dir);

  assert.equal(report.ok, false);
  assert.deepEqual(
    report.problems.map((p) => [p.file, p.line, p.ruleId, p.field]),
    [
      [join(dir, "a.yaml"), 7, "paint", "severity"],
      [join(dir, "a.yaml"), 8, "paint", "score"],
      [join(dir, "a.yaml"), 12, "paint", "colour"],
    ],
  );
  assert.match(
    report.problems[1]?.message ?? "",
    /field score: .*expected number, received string$/,
  );
  assert.match(
    report.problems[2]?.message ?? "",
    /field colour: unknown key "colour"; allowed keys/,
  );
});

test("a typo of a required key is one problem that suggests the key", async () => {
  const typo = rule("typo").replace("    mode: enforce\n", "    mod: enforce\n");
  const dir = await ruleDir({ "a.yaml": ruleFile(typo) });

  const report = await validateRules(dir);

  assert.deepEqual(
    report.problems.map((p) => p.message),
    [`${join(dir, "a.yaml")}:10, rule typo, field mod: unknown key "mod"; did you mean "mode"?`],
  );
});

test("a typo inside an exception is not reported again as an empty exception", async () => {
  const exceptions = "\n      - name: office\n        cidr: [10.0.0.0/8]";
  const dir = await ruleDir({ "a.yaml": ruleFile(rule("exc", { exceptions })) });

  const report = await validateRules(dir);

  assert.deepEqual(
    report.problems.map((p) => [p.line, p.field]),
    [[14, "exceptions[0].cidr"]],
  );
});
