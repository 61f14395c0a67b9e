import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadRules } from "../../../src/detect/rules/load-rules.js";
import { RuleError } from "../../../src/errors.js";
import { RULES_DIR, rule, ruleDir, ruleFile } from "../support.js";

/** The RuleError that loading `files` fails with, and the directory it was in. */
async function loadError(files: Record<string, string>) {
  const dir = await ruleDir(files);
  try {
    await loadRules(dir);
  } catch (err) {
    assert.ok(err instanceof RuleError, `expected a RuleError, got ${String(err)}`);
    return { err, dir };
  }
  assert.fail("expected loading to fail");
}

test("the shipped rules directory loads with every default rule", async () => {
  const ruleSet = await loadRules(RULES_DIR);
  const ids = ruleSet.rules.map((item) => item.id).sort();

  assert.deepEqual(ids, [
    "auth-failure-burst",
    "concurrent-use-two-countries",
    "concurrent-use-two-networks",
    "expired-token-accepted",
    "impossible-travel",
    "many-networks-short-window",
    "new-asn-after-learning",
    "new-country-after-learning",
    "new-user-agent-family",
    "rate-above-baseline",
    "request-rate-ceiling",
    "revocation-not-enforced",
    "revoked-token-retried",
    "token-in-url",
    "token-over-plain-http",
    "unusual-hour",
    "write-with-read-only-scope",
  ]);
  assert.deepEqual(
    ruleSet.macros.map((macro) => macro.name),
    ["is_health_check"],
  );
});

test("a compiled rule carries its settings in runtime units", async () => {
  const ruleSet = await loadRules(RULES_DIR);
  const networks = ruleSet.rules.find((item) => item.id === "many-networks-short-window");
  const baseline = ruleSet.rules.find((item) => item.id === "rate-above-baseline");

  assert.equal(networks?.cooldownMs, 30 * 60_000);
  assert.equal(networks?.action, "revoke");
  assert.equal(networks?.mode, "enforce");
  assert.equal(networks?.file, join(RULES_DIR, "sharing.yaml"));
  assert.equal(networks?.line, 6);
  assert.deepEqual(
    networks?.evidence.map((probe) => probe.key),
    [
      "window.networks5m",
      "window.networks1h",
      "window.asns5m",
      "window.requests5m",
      "event.network",
      "window.networkSeenBefore",
    ],
  );
  assert.equal(baseline?.detector?.name, "rate-baseline");
  assert.deepEqual(baseline?.detector?.params, {
    threshold: 6,
    minHistoryMinutes: 30,
    minTotalRequests: 200,
    minRequests: 30,
    madFloor: 1,
  });
});

test("a YAML syntax error names the file and line", async () => {
  const text = "version: 1\nrules:\n  - id: a\n    condition: [window.networks5m\n";
  const { err, dir } = await loadError({ "a.yaml": text });

  assert.equal(err.file, join(dir, "a.yaml"));
  assert.equal(err.line, 5);
  assert.equal(err.code, "RULE_INVALID");
  assert.match(err.message, /^.*a\.yaml:5: YAML: /);
});

test("a duplicate YAML key is a syntax error at the second key", async () => {
  const text = ruleFile(rule("dup-key", { "severity: low\n    severity": "high" }));
  const { err } = await loadError({ "a.yaml": text });

  assert.equal(err.line, 12);
  assert.match(err.message, /Map keys must be unique/);
});

test("an unknown key in a rule names the rule, the key and its line", async () => {
  const { err, dir } = await loadError({
    "a.yaml": ruleFile(rule("first"), rule("second", { cooldwon: "10m" })),
  });

  assert.equal(err.file, join(dir, "a.yaml"));
  assert.equal(err.line, 21);
  assert.equal(err.ruleId, "second");
  assert.equal(err.field, "cooldwon");
  assert.match(err.message, /unknown key "cooldwon"; did you mean "cooldown"\?$/);
});

test("an unknown key close to no allowed key lists the allowed keys", async () => {
  const { err } = await loadError({ "a.yaml": ruleFile(rule("paint", { colour: "red" })) });

  assert.equal(err.field, "colour");
  assert.match(err.message, /unknown key "colour"; allowed keys: id, version, description/);
});

test("an unknown top-level key fails with the allowed keys", async () => {
  const { err } = await loadError({ "a.yaml": "version: 1\nalerts: []\n" });

  assert.equal(err.line, 2);
  assert.equal(err.field, "alerts");
  assert.equal(err.ruleId, null);
  assert.match(err.message, /allowed keys: version, lists, macros, rules/);
});

test("a misspelt top-level key suggests the key it was meant to be", async () => {
  const { err } = await loadError({ "a.yaml": "version: 1\nrulez: []\n" });

  assert.match(err.message, /a\.yaml:2, field rulez: unknown key "rulez"; did you mean "rules"\?$/);
});

test("an unknown key inside an exception is located in the exception", async () => {
  const exceptions = "\n      - name: office\n        cidr: [10.0.0.0/8]";
  const { err } = await loadError({ "a.yaml": ruleFile(rule("exc", { exceptions })) });

  assert.equal(err.line, 14);
  assert.equal(err.field, "exceptions[0].cidr");
  assert.match(err.message, /unknown key "cidr"; did you mean "cidrs"\?$/);
});

test("a missing required field is reported on the rule's line", async () => {
  const text = "version: 1\nrules:\n  - id: no-severity\n    version: 1\n    description: x\n";
  const { err } = await loadError({ "a.yaml": text });

  assert.equal(err.line, 3);
  assert.equal(err.ruleId, "no-severity");
  assert.equal(err.field, "severity");
  assert.match(err.message, /a\.yaml:3, rule no-severity, field severity: is required$/);
});

test("a rule with neither condition nor detector says what it needs", async () => {
  const text = ruleFile(rule("empty")).replace("    condition: window.networks5m >= 5\n", "");
  const { err } = await loadError({ "a.yaml": text });

  assert.equal(err.line, 3);
  assert.equal(err.field, "condition");
  assert.match(err.message, /a rule needs a condition, or a detector for statistical rules$/);
});

test("an invalid enum value is located at its line", async () => {
  const { err } = await loadError({ "a.yaml": ruleFile(rule("bad-mode", { mode: "monitor" })) });

  assert.equal(err.line, 10);
  assert.equal(err.field, "mode");
  assert.match(err.message, /expected one of "enforce"\|"alert"\|"shadow"/);
});

test("a rule id that is not kebab-case is refused", async () => {
  const { err } = await loadError({ "a.yaml": ruleFile(rule("Many_Networks")) });

  assert.equal(err.line, 3);
  assert.equal(err.field, "id");
  assert.match(err.message, /must be kebab-case/);
});

test("a cooldown without units is refused", async () => {
  const { err } = await loadError({ "a.yaml": ruleFile(rule("bare", { cooldown: "10" })) });

  assert.equal(err.line, 11);
  assert.equal(err.field, "cooldown");
  assert.match(err.message, /must be a duration with units, e.g. 10m/);
});

test("a file version other than 1 is refused", async () => {
  const { err } = await loadError({ "a.yaml": "version: 2\nrules: []\n" });

  assert.equal(err.line, 1);
  assert.equal(err.field, "version");
});

test("a CEL syntax error names the condition's line", async () => {
  const { err } = await loadError({
    "a.yaml": ruleFile(rule("syntax", { condition: "window.networks5m >=" })),
  });

  assert.equal(err.line, 6);
  assert.equal(err.ruleId, "syntax");
  assert.equal(err.field, "condition");
  assert.match(err.message, /CEL: Unexpected token: EOF/);
});

test("a CEL type error is caught at load", async () => {
  const { err } = await loadError({
    "a.yaml": ruleFile(rule("types", { condition: 'window.networks5m >= "4"' })),
  });

  assert.equal(err.line, 6);
  assert.equal(err.field, "condition");
  assert.match(err.message, /CEL: no such overload: int >= string/);
});

test("a misspelt window field is caught at load", async () => {
  const { err } = await loadError({
    "a.yaml": ruleFile(rule("typo", { condition: "window.networks5 >= 4" })),
  });

  assert.match(err.message, /field condition: CEL: No such key: networks5$/);
});

test("an error on the third line of a block condition names that line", async () => {
  const condition =
    "|\n      event.status >= 200 &&\n      event.status < 300 &&\n      window.nope > 1";
  const { err } = await loadError({ "a.yaml": ruleFile(rule("block", { condition })) });

  assert.equal(err.line, 9);
  assert.match(err.message, /No such key: nope/);
});

test("a condition that is not boolean is refused", async () => {
  const { err } = await loadError({
    "a.yaml": ruleFile(rule("int-result", { condition: "window.networks5m + 1" })),
  });

  assert.match(err.message, /field condition: CEL: must be of type bool, but is int$/);
});

test("a bad evidence expression names its index", async () => {
  const evidence = "\n      - window.networks5m\n      - window.bogus";
  const { err } = await loadError({ "a.yaml": ruleFile(rule("ev", { evidence })) });

  assert.equal(err.line, 14);
  assert.equal(err.field, "evidence[1]");
});

test("a duplicate rule id across files names the second and points at the first", async () => {
  const { err, dir } = await loadError({
    "a.yaml": ruleFile(rule("same")),
    "b.yaml": ruleFile(rule("other"), rule("same")),
  });

  assert.equal(err.file, join(dir, "b.yaml"));
  assert.equal(err.line, 12);
  assert.equal(err.ruleId, "same");
  assert.equal(err.field, "id");
  assert.match(err.message, new RegExp(`first defined at ${join(dir, "a.yaml")}:3`));
});

test("an unknown list in an exception names the list", async () => {
  const exceptions = "\n      - name: office\n        cidrs: [$office_nets]";
  const { err } = await loadError({ "a.yaml": ruleFile(rule("lists", { exceptions })) });

  assert.equal(err.line, 14);
  assert.equal(err.field, "exceptions[0].cidrs");
  assert.match(err.message, /unknown list \$office_nets/);
});

test("an unknown macro or list in a condition is an unknown variable", async () => {
  const { err } = await loadError({
    "a.yaml": ruleFile(rule("macro", { condition: "is_vpn && window.networks5m > 1" })),
  });

  assert.equal(err.field, "condition");
  assert.match(err.message, /CEL: Unknown variable: is_vpn/);
});

test("a bad CIDR in an exception is refused", async () => {
  const exceptions = "\n      - name: office\n        cidrs: [10.0.0.0/33]";
  const { err } = await loadError({ "a.yaml": ruleFile(rule("cidr", { exceptions })) });

  assert.equal(err.field, "exceptions[0].cidrs");
  assert.match(err.message, /"10.0.0.0\/33" is not a CIDR or an IP address/);
});

test("a bad CIDR passed to inCidrs through a list is refused at load", async () => {
  const text = `version: 1\nlists:\n  office: [10.0.0.0/8, 300.1.1.1]\n${ruleFile(
    rule("fn", { condition: "event.clientIp.inCidrs(office)" }),
  ).replace("version: 1\n", "")}`;
  const { err } = await loadError({ "a.yaml": text });

  assert.equal(err.line, 8);
  assert.equal(err.field, "condition");
  assert.match(err.message, /"300.1.1.1" is not a CIDR/);
});

test("a macro cycle is refused with the cycle spelled out", async () => {
  const text = "version: 1\nmacros:\n  a: b && true\n  b: a || false\n";
  const { err } = await loadError({ "a.yaml": text });

  assert.equal(err.line, 3);
  assert.equal(err.field, "macros.a");
  assert.match(err.message, /macro cycle: a → b → a/);
});

test("a macro with a type error names the macro", async () => {
  const text = 'version: 1\nmacros:\n  busy: window.requests1m > "many"\n';
  const { err } = await loadError({ "a.yaml": text });

  assert.equal(err.line, 3);
  assert.equal(err.field, "macros.busy");
});

test("a list defined in two files is refused at the second", async () => {
  const { err, dir } = await loadError({
    "a.yaml": "version: 1\nlists:\n  office: [10.0.0.0/8]\n",
    "b.yaml": "version: 1\nlists:\n  office: [192.168.0.0/16]\n",
  });

  assert.equal(err.file, join(dir, "b.yaml"));
  assert.equal(err.line, 3);
  assert.equal(err.field, "lists.office");
  assert.match(err.message, /already defined at .*a\.yaml:3/);
});

test("a list may not take a name CEL reserves", async () => {
  const { err } = await loadError({ "a.yaml": "version: 1\nlists:\n  window: [a]\n" });

  assert.equal(err.field, "lists.window");
  assert.match(err.message, /reserved/);
});

test("an unknown statistical detector lists the known ones", async () => {
  const fields = { detector: "rate-sigma", condition: "event.status > 0" };
  const { err } = await loadError({ "a.yaml": ruleFile(rule("stat", fields)) });

  assert.equal(err.line, 12);
  assert.equal(err.field, "detector");
  assert.match(err.message, /unknown detector "rate-sigma"; known detectors: rate-baseline/);
});

test("a misspelt detector param is located under params", async () => {
  const fields = { detector: "rate-baseline", params: "\n      thresold: 4" };
  const { err } = await loadError({ "a.yaml": ruleFile(rule("stat", fields)) });

  assert.equal(err.line, 14);
  assert.equal(err.ruleId, "stat");
  assert.equal(err.field, "params.thresold");
});

test("a directory without rule files is an error", async () => {
  const { err, dir } = await loadError({ "README.md": "no rules" });

  assert.equal(err.file, dir);
  assert.match(err.message, /no rule files/);
});
