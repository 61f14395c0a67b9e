import assert from "node:assert/strict";
import { test } from "node:test";
import { fuzzCase } from "./mutations.js";
import { PLANTERS } from "./planted-secrets.js";
import { createRng } from "./seeded-rng.js";
import { config, fixture, normalizer } from "./support.js";

/**
 * Property: whatever bytes arrive, `normalize` returns (never throws), and no
 * secret planted in the input appears in any event or any reject. Set
 * TOKENWATCH_FUZZ_SEED / TOKENWATCH_FUZZ_RUNS to reproduce or extend a run.
 */

const SEED = Number(process.env.TOKENWATCH_FUZZ_SEED ?? 20240531);
const RUNS = Number(process.env.TOKENWATCH_FUZZ_RUNS ?? 100_000);

test(`normalize survives ${RUNS} mutated events and never leaks a planted secret`, () => {
  const fixtures = Object.keys(PLANTERS).map((name) => [name, fixture(name)] as const);
  const rng = createRng(SEED);
  const n = normalizer({ identity: { ...config.identity, cookies: ["sid", "session"] } });
  const started = performance.now();
  let events = 0;
  let rejects = 0;

  for (let run = 0; run < RUNS; run++) {
    const { message, secrets } = fuzzCase(fixtures, rng);
    const position = { stream: "fuzz", partition: 0, offset: run };

    let result: ReturnType<typeof n.normalize>;
    try {
      result = n.normalize(message, position);
    } catch (error) {
      assert.fail(`seed ${SEED} run ${run}: normalize threw ${String(error)}`);
    }

    const out = JSON.stringify(result);
    for (const secret of secrets) {
      if (out.includes(secret)) {
        assert.fail(`seed ${SEED} run ${run}: a planted secret leaked into the output`);
      }
    }
    events += result.events.length;
    rejects += result.rejects.length;
  }

  const seconds = (performance.now() - started) / 1000;
  console.log(
    `fuzz: seed ${SEED}, ${RUNS} messages, ${events} events, ${rejects} rejects, ${seconds.toFixed(1)} s`,
  );
  assert.ok(events > RUNS / 4, "most mutated messages still yield events");
  assert.ok(rejects > RUNS / 20, "many mutated messages are rejected");
});
