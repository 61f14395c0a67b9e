/**
 * The rule engine alone, on the DetectionInputs the simulator's traffic
 * makes in the pipeline: CPU µs per event with the default rules and with
 * `--extra-rules` generated ones, through the rule index and evaluating
 * every rule. Unlike the in-process run it leaves out Redis, normalization
 * and enrichment, so what a loaded rule costs is not lost in their noise.
 *
 *   node --import tsx bench/rule-engine-bench.ts [--extra-rules 200] [--rounds 3]
 */
import { parseArgs } from "node:util";
import type { DetectionInput } from "../src/detect/finding.js";
import { RuleEngine } from "../src/detect/rule-engine.js";
import { loadRules } from "../src/detect/rules/load-rules.js";
import { simulatedInputs } from "../test/detect/simulated-inputs.js";
import { RULES_DIR } from "../test/detect/support.js";
import { manyRulesDir } from "./many-rules.js";

const { values } = parseArgs({
  options: {
    "extra-rules": { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
  },
});

const inputs: DetectionInput[] = [];
await simulatedInputs({ tokens: 20, days: 1, seed: 3 }, (input) => inputs.push(input));

const sets = {
  defaults: await loadRules(RULES_DIR),
  many: await loadRules(manyRulesDir(RULES_DIR, Number(values["extra-rules"]))),
};

/** CPU µs per event of one pass of `engine` over every input. */
function cpuPerEvent(engine: RuleEngine): number {
  const before = process.cpuUsage();
  for (const input of inputs) engine.detect(input);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / inputs.length;
}

const rows: Record<string, string>[] = [];
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const [name, ruleSet] of Object.entries(sets)) {
    for (const evaluateEveryRule of [true, false]) {
      const engine = new RuleEngine(ruleSet, { evaluateEveryRule });
      cpuPerEvent(engine); // warm-up: let V8 optimise this engine's paths
      rows.push({
        round: String(round),
        rules: String(ruleSet.rules.filter((rule) => rule.enabled).length),
        set: name,
        engine: evaluateEveryRule ? "every rule" : "index",
        "µs/event": cpuPerEvent(engine).toFixed(2),
      });
    }
  }
}

console.log(`${inputs.length} detection inputs`);
console.table(rows);
