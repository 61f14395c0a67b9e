import { closeSync, existsSync, openSync, statSync, writeSync } from "node:fs";
import { pino } from "pino";
import { ReplayOutputs } from "../act/replay-outputs.js";
import { loadConfig } from "../config/load-config.js";
import { UserAgentFamilies } from "../enrich/user-agent-family.js";
import { TokenwatchError } from "../errors.js";
import { readLineBatches } from "../ingest/file-source.js";
import { FORMAT_NAMES } from "../ingest/normalize.js";
import { createLogger } from "../observe/logger.js";
import { Metrics } from "../observe/metrics.js";
import { buildPipeline } from "../pipeline/build-pipeline.js";
import { renderReport } from "../report/render-report.js";
import { buildReportModel } from "../report/report-model.js";
import { StoryCollector } from "../report/story-collector.js";
import { MemoryTokenStateStore } from "../state/memory-store.js";
import { createFingerprinter } from "./dev-key.js";
import { EXIT } from "./exit-codes.js";
import { createReplayProgress, type ReplayProgress } from "./progress.js";
import { ReplaySummary } from "./replay-summary.js";

const BATCH_LINES = 500;

export interface ReplayOptions {
  readonly config?: string;
  readonly json?: boolean;
  readonly format?: string;
  readonly rules?: string;
  /** Write the backtest report (one self-contained HTML file) here. */
  readonly report?: string;
  /** No progress bar and no summary; decisions still go to stdout. */
  readonly quiet?: boolean;
}

/** What a finished replay hands back to the command that ran it. */
export interface ReplayRun {
  readonly summary: ReplaySummary;
  readonly outputs: ReplayOutputs;
  readonly tokens: number;
}

/** How a replay is run beyond its options: where decisions go, who watches. */
export interface ReplayHooks {
  /** Decision text (readable or JSON lines); default stdout. */
  readonly write?: (text: string) => void;
  /** Sees every token event and its findings (the report, `explain --replay`). */
  readonly collector?: StoryCollector;
  readonly progress?: ReplayProgress;
}

/**
 * `tokenwatch replay <file|->`: the service's pipeline over a log file with
 * the embedded store. Decisions go to stdout (`--json`: one object per
 * line); logs, the progress bar and the summary go to stderr, so stdout
 * stays machine-readable. `--report` also writes the backtest report.
 */
export async function replayCommand(file: string, options: ReplayOptions): Promise<number> {
  checkInput(file);
  // Opened before the replay, so a bad --report path fails in a second, not after an hour.
  const reportFd = options.report ? openReport(options.report) : null;
  const quiet = options.quiet === true;
  const collector = options.report ? new StoryCollector(new UserAgentFamilies()) : undefined;
  const progress = createReplayProgress({
    stream: process.stderr,
    quiet,
    env: process.env,
    totalBytes: file === "-" ? null : statSync(file).size,
  });

  let run: ReplayRun;
  try {
    const write = (text: string) => progress.interrupt(() => process.stdout.write(text));
    run = await replayFile(file, options, { write, progress, ...(collector ? { collector } : {}) });
  } finally {
    progress.stop();
  }

  if (!quiet) process.stderr.write(run.summary.render(run.outputs.decisions, run.tokens));
  if (reportFd !== null && collector) {
    const model = buildReportModel(collector, run.summary.facts(file, run.tokens));
    writeSync(reportFd, renderReport(model));
    closeSync(reportFd);
    if (!quiet) process.stderr.write(`  report             ${options.report}\n`);
  }
  return EXIT.OK;
}

/**
 * Run the pipeline over a file with the embedded store. Replay is offline:
 * events are judged by event time only, with no wall-clock checks on age.
 */
export async function replayFile(
  file: string,
  options: ReplayOptions,
  hooks: ReplayHooks = {},
): Promise<ReplayRun> {
  checkInput(file);
  const forcedFormats = forcedFormat(file, options.format);
  const loaded = loadConfig(options.config ?? null).config;
  const config = { ...loaded, input: { ...loaded.input, maxAgeMs: 0 } };
  const log = createLogger(
    config.log.level === "info" ? "warn" : config.log.level,
    pino.destination(2),
  );
  const metrics = new Metrics();
  const store = new MemoryTokenStateStore(config.state);
  const write = hooks.write ?? ((text: string) => process.stdout.write(text));
  const outputs = new ReplayOutputs(write, options.json === true);
  const { collector, progress } = hooks;

  const pipeline = await buildPipeline({
    config,
    fingerprinter: createFingerprinter(config, log),
    store,
    outputs,
    metrics,
    log,
    rulesDir: options.rules,
    forcedFormats,
    input: "file",
    // Replayed logs are old by design, so there is no age limit; but no log line can come
    // from the future, so the maxFutureMs check stays (it catches mis-read units, e.g. ns as ms).
    now: Date.now,
    ...(collector ? { onDetection: collector.observe.bind(collector) } : {}),
  });

  const summary = new ReplaySummary();
  for await (const batch of readLineBatches(file, BATCH_LINES)) {
    const result = await pipeline.processBatch(batch);
    summary.add(result, batch.length);
    collector?.addDecisions(result.decisions);
    if (progress?.active) progress.advance(batch.length, batchBytes(batch));
  }
  const tokens = store.tokenCount;
  await store.close();
  return { summary, outputs, tokens };
}

function checkInput(file: string): void {
  if (file === "-") return;

  const problem = !existsSync(file)
    ? "does not exist"
    : statSync(file).isDirectory()
      ? "is a directory"
      : null;
  if (problem === null) return;
  throw new TokenwatchError(
    "ARGUMENT_INVALID",
    `replay input ${file} ${problem}; pass an NDJSON log file, or - to read stdin`,
  );
}

/**
 * `--format` as the normalizer's per-stream forced format. Checked here so
 * the message names the flag, not the `kafka.formats` setting it becomes.
 */
export function forcedFormat(file: string, format: string | undefined): Record<string, string> {
  if (format === undefined) return {};
  if (!FORMAT_NAMES.includes(format)) {
    throw new TokenwatchError(
      "ARGUMENT_INVALID",
      `--format ${format}: unknown format; use one of ${FORMAT_NAMES.join(", ")}`,
    );
  }
  return { [file]: format };
}

function openReport(path: string): number {
  try {
    return openSync(path, "w");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? "error";
    throw new TokenwatchError(
      "ARGUMENT_INVALID",
      `cannot write the report to ${path} (${reason}); pass --report a path in a writable folder`,
      { cause: err },
    );
  }
}

/** Bytes a batch took in the file, near enough for the ETA: UTF-16 length plus newline. */
function batchBytes(batch: readonly { value: Buffer | string | null }[]): number {
  let bytes = 0;
  for (const message of batch) bytes += (message.value?.length ?? 0) + 1;
  return bytes;
}
