import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { pino } from "pino";
import { loadConfig } from "../config/load-config.js";
import { sharedGeoIp } from "../enrich/geo-ip.js";
import { TokenwatchError } from "../errors.js";
import { labelLine } from "../evaluate/label.js";
import { Normalizer } from "../ingest/normalize.js";
import { createLogger } from "../observe/logger.js";
import { SIM_FORMATS, type SimFormat } from "../simulate/format-writers.js";
import { Geography } from "../simulate/geography.js";
import { pipelineFingerprint, simulate } from "../simulate/simulate.js";
import { World } from "../simulate/world.js";
import { createFingerprinter } from "./dev-key.js";
import { EXIT } from "./exit-codes.js";

/** Options of `tokenwatch simulate`, as commander hands them over (strings). */
export interface SimulateOptions {
  readonly out: string;
  readonly labels: string;
  readonly tokens: string;
  readonly days: string;
  readonly seed: string;
  readonly start: string;
  readonly format: string;
  readonly config?: string;
}

/**
 * `tokenwatch simulate`: write labelled multi-day gateway traffic and its
 * label file. Labels carry fingerprints made with the configured key (the
 * development key when none is set), so evaluate must run with the same
 * configuration.
 */
export async function simulateCommand(options: SimulateOptions): Promise<number> {
  const plan = parsePlan(options);
  const { config } = loadConfig(options.config ?? null);
  const log = createLogger(
    config.log.level === "info" ? "warn" : config.log.level,
    pino.destination(2),
  );
  const fingerprinter = createFingerprinter(config, log);
  const normalizer = new Normalizer(config, fingerprinter, {}, () => Number.MAX_SAFE_INTEGER / 2);
  const world = new World(new Geography(sharedGeoIp(config.enrich)), plan.seed);

  const traffic = createWriteStream(options.out);
  const labels = createWriteStream(options.labels);
  const summary = await simulate(
    world,
    plan,
    {
      traffic: (text) => write(traffic, text),
      labels: (label) => write(labels, labelLine(label)),
    },
    pipelineFingerprint(normalizer, plan.format),
  );
  await Promise.all([close(traffic), close(labels)]);

  process.stderr.write(
    `simulated ${summary.events} events of ${summary.tokens} tokens ` +
      `(${summary.attacked} attacked) over ${plan.days} days in ${plan.format} format\n` +
      `  traffic  ${options.out}\n  labels   ${options.labels}\n`,
  );
  return EXIT.OK;
}

function parsePlan(options: SimulateOptions) {
  const tokens = positiveInt(options.tokens, "--tokens");
  const days = positiveInt(options.days, "--days");
  const seed = Number.parseInt(options.seed, 10);
  if (!Number.isSafeInteger(seed))
    throw argument(`--seed must be an integer, got "${options.seed}"`);
  const start = Date.parse(`${options.start}T00:00:00Z`);
  if (Number.isNaN(start))
    throw argument(`--start must be a date like 2026-03-02, got "${options.start}"`);
  if (!(SIM_FORMATS as readonly string[]).includes(options.format)) {
    throw argument(`--format must be one of ${SIM_FORMATS.join(", ")}, got "${options.format}"`);
  }
  return { tokens, days, seed, start, format: options.format as SimFormat };
}

function positiveInt(text: string, name: string): number {
  const value = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(value) || value < 1)
    throw argument(`${name} must be a positive integer`);
  return value;
}

function argument(message: string): TokenwatchError {
  return new TokenwatchError("ARGUMENT_INVALID", message);
}

async function write(stream: WriteStream, text: string): Promise<void> {
  // Honour backpressure: a million-event run must not buffer the whole file.
  if (!stream.write(text)) await once(stream, "drain");
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, "finish");
}
