import assert from "node:assert/strict";
import { test } from "node:test";
import { loadRules } from "../../src/detect/rules/load-rules.js";
import { guardText } from "../../src/detect/rules/rule-guard.js";
import { rule, ruleDir, ruleFile } from "./support.js";

/** Each condition's guard as text (null: not indexed), from one rule directory. */
async function guardsOf(conditions: readonly string[]): Promise<(string | null)[]> {
  const rules = conditions.map((condition, i) =>
    rule(`r${i}`, { condition: JSON.stringify(condition) }),
  );
  const extras = "\nlists:\n  hosts: [a.example]\nmacros:\n  busy: window.requests1m >= 10\n";
  const ruleSet = await loadRules(await ruleDir({ "a.yaml": ruleFile(...rules) + extras }));

  return ruleSet.rules.map((compiled) => (compiled.guard ? guardText(compiled.guard) : null));
}

test("int comparisons of a window or event field with an int literal are guards", async () => {
  const guards = await guardsOf([
    "window.requests1m >= 600",
    "window.requests1m > 600",
    "600 <= window.requests1m",
    "600 < window.requests1m",
    "window.countries1h < 2",
    "2 >= window.countries1h",
    "event.token.claims.exp > 0",
  ]);

  assert.deepEqual(guards, [
    "window.requests1m >= 600",
    "window.requests1m >= 601",
    "window.requests1m >= 600",
    "window.requests1m >= 601",
    "window.countries1h <= 1",
    "window.countries1h <= 2",
    "event.token.claims.exp >= 1",
  ]);
});

test("string equality, literal lists and bool fields are guards", async () => {
  const guards = await guardsOf([
    'event.method == "DELETE"',
    '"DELETE" == event.method',
    'event.method in ["POST", "PUT"]',
    'event.token.location == "query"',
    "window.afterRevocation",
    "!window.userAgentKnown",
    "window.duplicate == false",
  ]);

  assert.deepEqual(guards, [
    'event.method in ["DELETE"]',
    'event.method in ["DELETE"]',
    'event.method in ["POST","PUT"]',
    'event.token.location in ["query"]',
    "window.afterRevocation",
    "!window.userAgentKnown",
    "!window.duplicate",
  ]);
});

test("the guard is the first indexable conjunct, an upper bound only when alone", async () => {
  const guards = await guardsOf([
    "busy && (event.path != '/x' && window.networks5m >= 5) && !window.asnKnown",
    "event.status < 400 && event.status >= 200",
    "event.status < 400 && busy",
  ]);

  assert.deepEqual(guards, [
    "window.networks5m >= 5",
    "event.status >= 200",
    "event.status <= 399",
  ]);
});

test("terms whose value the index cannot reproduce exactly are not guards", async () => {
  const guards = await guardsOf([
    "window.networks5m >= 5 || window.requests1m >= 600",
    "!(window.networks5m >= 5)",
    "busy",
    "window.requests1m > 1.5e2",
    "event.latencyMs >= 100.0",
    "window.requests1m >= -5",
    "window.networks5m >= window.asns5m",
    'event.method != "GET"',
    "event.host in hosts",
    'event.method in ["GET", event.host]',
    "size(event.queryKeys) > 0",
    "window.minuteHistory[0] >= 5",
    'event.token.claims.scopes.exists(s, s == "admin")',
    "window.networks5m == 5",
  ]);

  assert.deepEqual(
    guards,
    guards.map(() => null),
  );
});
