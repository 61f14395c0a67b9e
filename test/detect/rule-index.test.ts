import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { manyRulesDir } from "../../bench/many-rules.js";
import type { DetectionInput, Finding } from "../../src/detect/finding.js";
import { RuleEngine } from "../../src/detect/rule-engine.js";
import { loadRules } from "../../src/detect/rules/load-rules.js";
import type { CompiledRuleSet } from "../../src/detect/rules/rule-set.js";
import { simulatedInputs } from "./simulated-inputs.js";
import { input, RULES_DIR, rule, ruleDir, ruleFile } from "./support.js";

/*
 * The rule index must change nothing but the cost: the same findings, in
 * the same order, and the same errors and exceptions reported, as
 * evaluating every rule. The reference is the same engine with
 * `evaluateEveryRule`.
 */

interface Outcome {
  readonly findings: readonly Finding[];
  /** What the engine's onError and onExcepted hooks were told, in order. */
  readonly heard: readonly string[];
}

/** What one engine made of one event. */
function outcome(engine: RuleEngine, given: DetectionInput, heard: string[]): Outcome {
  heard.length = 0;
  const findings = engine.detect(given);
  return { findings, heard: [...heard] };
}

function engines(ruleSet: CompiledRuleSet, includeDisabled = false) {
  const heard: string[] = [];
  const hooks = {
    includeDisabled,
    onError: (failed: { id: string }, err: unknown) =>
      heard.push(`error ${failed.id}: ${(err as Error).message.split("\n")[0]}`),
    onExcepted: (excepted: { id: string }, name: string) =>
      heard.push(`excepted ${excepted.id}: ${name}`),
  };
  return {
    heard,
    indexed: new RuleEngine(ruleSet, hooks),
    everyRule: new RuleEngine(ruleSet, { ...hooks, evaluateEveryRule: true }),
  };
}

/** Int fields the simulated traffic spreads over, with bounds on both sides of its values. */
const INT_BOUNDS: Readonly<Record<string, readonly number[]>> = {
  "window.requests1m": [0, 1, 2, 5, 30, 400],
  "window.requests5m": [1, 10, 100],
  "window.networks5m": [1, 2, 3, 5],
  "window.asns5m": [0, 1, 2, 3],
  "window.countries1h": [1, 2],
  "window.alternations10m": [0, 1, 6, 100],
  "window.totalRequests": [50, 1000],
  "window.revokedAt": [0],
  "event.status": [200, 201, 304, 400, 404, 500],
  "event.asn": [0, 1],
  "event.token.claims.exp": [0],
};

type Form = (field: string, n: number) => string;

/** Lower and upper bounds, each written both ways round, with `<`/`>` and `<=`/`>=`. */
const FORMS: readonly (readonly [Form, Form])[] = [
  [(f, n) => `${f} >= ${n}`, (f, n) => `${f} < ${n}`],
  [(f, n) => `${n} < ${f}`, (f, n) => `${n} >= ${f}`],
  [(f, n) => `${f} > ${n}`, (f, n) => `${f} <= ${n}`],
];

/** Conditions around the traffic's real values: each guard holds for some events only. */
function boundaryConditions(): string[] {
  const conditions: string[] = [];
  let k = 0;
  for (const [field, bounds] of Object.entries(INT_BOUNDS)) {
    for (const n of bounds) {
      const rest = k % 2 === 0 ? "!is_health_check" : 'event.path != "/nothing"';
      for (const form of FORMS[k % FORMS.length] ?? []) {
        conditions.push(`${form(field, n)} && ${rest}`);
      }
      k++;
    }
  }

  return [
    ...conditions,
    'event.method == "GET" && window.requests1m > 3',
    '"POST" == event.method',
    'event.method in ["PUT", "DELETE"] && event.status < 300',
    'event.tokenClass == "service"',
    'event.token.location in ["query", "body"]',
    'event.scheme == "https" && window.networks5m >= 2',
    "window.networkSeenBefore",
    "!window.networkSeenBefore && !is_health_check",
    "window.asnKnown == true",
    "!window.userAgentKnown",
    "window.duplicate == false && window.requests1m >= 20",
    "window.afterRevocation && event.status >= 400",
    // Fails when its guard holds and networks5m is 1; never when the guard is false.
    "window.requests1m >= 1 && 100 / (window.networks5m - 1) > 1",
    "100 / (window.networks5m - 1) > 1 && window.requests1m >= 1000000",
  ];
}

async function equivalenceRules(): Promise<CompiledRuleSet> {
  const dir = manyRulesDir(RULES_DIR, 200);
  const files: Record<string, string> = {};
  for (const file of readdirSync(dir)) files[file] = readFileSync(join(dir, file), "utf8");

  const exceptions = "\n      - name: services\n        tokenClasses: [service]";
  const boundary = boundaryConditions().map((condition, i) =>
    rule(`boundary-${i}`, {
      condition: JSON.stringify(condition),
      mode: "shadow",
      evidence: "[event.status]",
      ...(i % 3 === 0 ? { exceptions } : {}),
    }),
  );
  files["boundary.yaml"] = ruleFile(...boundary);

  return loadRules(await ruleDir(files));
}

/** The same event as if our revocation of the token were ten minutes old. */
function revoked(given: DetectionInput, rejected: boolean): DetectionInput {
  const window = { ...given.window, revokedAt: given.event.ts - 600_000 };
  return { ...given, window: { ...window, afterRevocation: rejected } };
}

test("the index returns exactly the findings of evaluating every rule", async () => {
  const ruleSet = await equivalenceRules();
  const { heard, indexed, everyRule } = engines(ruleSet);
  const fired = new Map<string, number>();
  let compared = 0;
  const reported = new Set<string>();

  const compare = (given: DetectionInput) => {
    const expected = outcome(everyRule, given, heard);
    assert.deepEqual(outcome(indexed, given, heard), expected);
    for (const finding of expected.findings) {
      fired.set(finding.ruleId, (fired.get(finding.ruleId) ?? 0) + 1);
    }
    compared += 1;
    for (const line of expected.heard) reported.add(line.split(" ")[0] as string);
  };

  // One event in five (and a revoked copy of one in fifteen) keeps the test
  // to seconds; the pipeline still sees every event, so the windows are real.
  let seen = 0;
  const events = await simulatedInputs({ tokens: 20, days: 1, seed: 3 }, (given) => {
    seen += 1;
    if (seen % 5 === 0) compare(given);
    if (seen % 15 === 1) compare(revoked(given, seen % 2 === 0));
  });

  assert.ok(events > 10_000 && compared > 5_000, `${compared} of ${events} events compared`);
  const boundaryFired = [...fired.keys()].filter((id) => id.startsWith("boundary-")).length;
  assert.ok(boundaryFired > 40, `${boundaryFired} boundary rules fired`);
  for (const id of ["revocation-not-enforced", "revoked-token-retried", "impossible-travel"]) {
    assert.ok(fired.has(id), `${id} fired`);
  }
  assert.deepEqual([...reported].sort(), ["error", "excepted"]);
});

test("a rule whose guard is false is not evaluated, one without a guard always is", async () => {
  const files = {
    "a.yaml": ruleFile(
      rule("guarded", { condition: "window.networks5m >= 5" }),
      rule("unguarded", { condition: "window.networks5m + 1 >= 5" }),
    ),
  };
  const ruleSet = await loadRules(await ruleDir(files));
  const evaluated: string[] = [];
  for (const compiled of ruleSet.rules) {
    const condition = compiled.condition;
    assert.ok(condition);
    const original = condition.evaluate;
    const counted = Object.assign((ctx: Record<string, unknown>) => {
      evaluated.push(compiled.id);
      return original(ctx);
    }, original);
    (condition as { evaluate: typeof original }).evaluate = counted;
  }
  const engine = new RuleEngine(ruleSet);

  const quiet = engine.detect(input({ window: { networks5m: 4 } }));
  const loud = engine.detect(input({ window: { networks5m: 5 } }));

  assert.deepEqual(
    quiet.map((finding) => finding.ruleId),
    ["unguarded"],
  );
  assert.deepEqual(
    loud.map((finding) => finding.ruleId),
    ["guarded", "unguarded"],
  );
  assert.deepEqual(evaluated, ["unguarded", "guarded", "unguarded"]);
});

test("disabled rules are indexed only when the engine includes them", async () => {
  const files = {
    "a.yaml": ruleFile(
      rule("off", { enabled: "false", condition: "window.networks5m >= 2" }),
      rule("on", { condition: "window.networks5m >= 3" }),
    ),
  };
  const ruleSet = await loadRules(await ruleDir(files));
  const given = input({ window: { networks5m: 3 } });

  const ids = (engine: RuleEngine) => engine.detect(given).map((finding) => finding.ruleId);
  assert.deepEqual(ids(new RuleEngine(ruleSet)), ["on"]);
  assert.deepEqual(ids(engines(ruleSet, true).indexed), ["off", "on"]);
});
