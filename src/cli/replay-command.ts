import { pino } from "pino";
import { ReplayOutputs } from "../act/replay-outputs.js";
import { loadConfig } from "../config/load-config.js";
import { readLineBatches } from "../ingest/file-source.js";
import { createLogger } from "../observe/logger.js";
import { Metrics } from "../observe/metrics.js";
import { buildPipeline } from "../pipeline/build-pipeline.js";
import { MemoryTokenStateStore } from "../state/memory-store.js";
import { createFingerprinter } from "./dev-key.js";
import { EXIT } from "./exit-codes.js";
import { ReplaySummary } from "./replay-summary.js";

const BATCH_LINES = 500;

export interface ReplayOptions {
  readonly config?: string;
  readonly json?: boolean;
  readonly format?: string;
  readonly rules?: string;
}

/**
 * `tokenwatch replay <file|->`: the service's pipeline over a log file with
 * the embedded store. Decisions go to stdout (`--json`: one object per
 * line); logs and the summary go to stderr, so stdout stays machine-readable.
 * Replay is offline: no wall-clock checks on event age, event time only.
 */
export async function replayCommand(file: string, options: ReplayOptions): Promise<number> {
  const { config } = loadConfig(options.config ?? null);
  const log = createLogger(
    config.log.level === "info" ? "warn" : config.log.level,
    pino.destination(2),
  );
  const metrics = new Metrics();
  const store = new MemoryTokenStateStore(config.state);
  const outputs = new ReplayOutputs((text) => process.stdout.write(text), options.json === true);

  const pipeline = await buildPipeline({
    config,
    fingerprinter: createFingerprinter(config, log),
    store,
    outputs,
    metrics,
    log,
    rulesDir: options.rules,
    forcedFormats: options.format ? { [file]: options.format } : {},
    // Replayed logs are old by design: judge them by event time only, with no wall-clock checks.
    now: () => Number.MAX_SAFE_INTEGER / 2,
  });

  const summary = new ReplaySummary();
  for await (const batch of readLineBatches(file, BATCH_LINES)) {
    summary.add(await pipeline.processBatch(batch), batch.length);
  }
  process.stderr.write(summary.render(outputs.decisions, store.tokenCount));
  await store.close();
  return EXIT.OK;
}
