import { pino } from "pino";
import type { DetectionInput } from "../../src/detect/finding.js";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import { Metrics } from "../../src/observe/metrics.js";
import { buildPipeline } from "../../src/pipeline/build-pipeline.js";
import type { InputMessage } from "../../src/pipeline/pipeline.js";
import { pipelineFingerprint, simulate } from "../../src/simulate/simulate.js";
import { MemoryTokenStateStore } from "../../src/state/memory-store.js";
import { CONFIG, TEST_KEY, testNormalizer, testWorld } from "../simulate/support.js";
import { RULES_DIR } from "./support.js";

/** How much traffic to simulate. */
export interface SimulatedRun {
  readonly tokens: number;
  readonly days: number;
  readonly seed: number;
}

const BATCH = 500;

/**
 * Every DetectionInput the pipeline builds from a seeded simulation (every
 * scenario, benign and attack), run through the shipped rules with the
 * embedded store; revocations are marked, so later events see them. Each
 * input goes to `visit` as the pipeline's detectors see it; its windows are
 * the real statistics of the simulated traffic, not hand-picked values.
 */
export async function simulatedInputs(
  run: SimulatedRun,
  visit: (input: DetectionInput) => void,
): Promise<number> {
  const lines: string[] = [];
  await simulate(
    testWorld(run.seed),
    { ...run, start: Date.UTC(2026, 2, 2), format: "canonical" },
    {
      traffic: async (text) => {
        lines.push(...text.split("\n").filter((line) => line.length > 0));
      },
      labels: async () => {},
    },
    pipelineFingerprint(testNormalizer(), "canonical"),
  );

  const store = new MemoryTokenStateStore(CONFIG.state);
  let visited = 0;
  const pipeline = await buildPipeline({
    config: CONFIG,
    fingerprinter: new Fingerprinter(TEST_KEY),
    store,
    outputs: {
      // As the Kafka outputs do once a revocation is delivered, so that the
      // token's later events carry `window.revokedAt` and `afterRevocation`.
      deliver: async ({ decisions }) => {
        for (const decision of decisions) {
          if (decision.action === "revoke") await store.markRevoked(decision.tokenFp, decision.ts);
        }
      },
    },
    metrics: new Metrics(),
    log: pino({ level: "silent" }),
    rulesDir: RULES_DIR,
    input: "file",
    // Simulated traffic is in the past: judge it by event time only.
    now: () => Number.MAX_SAFE_INTEGER / 2,
    onDetection: (input) => {
      visited += 1;
      visit(input);
    },
  });

  for (let start = 0; start < lines.length; start += BATCH) {
    const batch: InputMessage[] = lines.slice(start, start + BATCH).map((value, i) => ({
      value,
      stream: "simulated",
      partition: 0,
      offset: start + i,
    }));
    await pipeline.processBatch(batch);
  }
  await store.close();

  return visited;
}
