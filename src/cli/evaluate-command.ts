import { writeFileSync } from "node:fs";
import { pino } from "pino";
import { loadConfig } from "../config/load-config.js";
import { TokenwatchError } from "../errors.js";
import { renderReport } from "../evaluate/report-table.js";
import { runEvaluation } from "../evaluate/run-evaluation.js";
import { DEFAULT_TARGETS, type Targets } from "../evaluate/targets.js";
import { createLogger } from "../observe/logger.js";
import { createFingerprinter } from "./dev-key.js";
import { EXIT } from "./exit-codes.js";

/** Options of `tokenwatch evaluate`, as commander hands them over. */
export interface EvaluateOptions {
  readonly labels: string;
  readonly report?: string;
  readonly rules?: string;
  readonly format?: string;
  readonly config?: string;
  /** Commander's `--no-targets`: report the targets, never fail on them. */
  readonly targets?: boolean;
  readonly minRecall?: string;
  readonly minRevocationRecall?: string;
  readonly maxFalseRevocations?: string;
  readonly maxTtd?: string;
}

/**
 * `tokenwatch evaluate <traffic>`: run the pipeline over labelled traffic
 * with the embedded store, score tokenwatch and the naive baseline against
 * the labels, print the tables to stdout, write the JSON report, and exit
 * with TESTS_FAILED (3) when a target is missed so CI holds the line.
 */
export async function evaluateCommand(traffic: string, options: EvaluateOptions): Promise<number> {
  const targets = parseTargets(options);
  const { config } = loadConfig(options.config ?? null);
  const log = createLogger(
    config.log.level === "info" ? "warn" : config.log.level,
    pino.destination(2),
  );

  const report = await runEvaluation({
    traffic,
    labels: options.labels,
    config,
    fingerprinter: createFingerprinter(config, log),
    log,
    targets,
    ...(options.rules ? { rulesDir: options.rules } : {}),
    ...(options.format ? { format: options.format } : {}),
  });

  process.stdout.write(renderReport(report));
  if (options.report) {
    writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`report written to ${options.report}\n`);
  }
  if (report.targetsMet || options.targets === false) return EXIT.OK;

  const missed = report.targets.filter((target) => !target.met).map((target) => target.id);
  process.stderr.write(`tokenwatch: targets missed: ${missed.join(", ")}\n`);
  return EXIT.TESTS_FAILED;
}

function parseTargets(options: EvaluateOptions): Targets {
  return {
    ...DEFAULT_TARGETS,
    sharingTheftRecall: numberOr(
      options.minRecall,
      "--min-recall",
      DEFAULT_TARGETS.sharingTheftRecall,
    ),
    sharingTheftRevocationRecall: numberOr(
      options.minRevocationRecall,
      "--min-revocation-recall",
      DEFAULT_TARGETS.sharingTheftRevocationRecall,
    ),
    falseRevocationsPer10kTokenDays: numberOr(
      options.maxFalseRevocations,
      "--max-false-revocations",
      DEFAULT_TARGETS.falseRevocationsPer10kTokenDays,
    ),
    medianSecondsToDetect: numberOr(
      options.maxTtd,
      "--max-ttd",
      DEFAULT_TARGETS.medianSecondsToDetect,
    ),
  };
}

function numberOr(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new TokenwatchError(
      "ARGUMENT_INVALID",
      `${name} must be a non-negative number, got "${text}"`,
    );
  }
  return value;
}
