import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Decision } from "../decide/decision.js";
import { loadRules } from "../detect/index.js";
import type { Fingerprinter } from "../identity/fingerprint.js";
import { readLineBatches } from "../ingest/file-source.js";
import { Metrics } from "../observe/metrics.js";
import { buildPipeline } from "../pipeline/build-pipeline.js";
import type { BatchEffects, Outputs } from "../pipeline/pipeline.js";
import { MemoryTokenStateStore } from "../state/memory-store.js";
import { AttackActivity } from "./attack-activity.js";
import type { EvaluationReport, SystemReport } from "./evaluation-report.js";
import { REPORT_VERSION } from "./evaluation-report.js";
import { isAttack, readLabels, type TokenLabel } from "./label.js";
import { type BaselineThresholds, DEFAULT_BASELINE, NaiveBaseline } from "./naive-baseline.js";
import { RuleTally } from "./rule-scores.js";
import { figures, scoreSystem } from "./score.js";
import { checkTargets, DEFAULT_TARGETS, type Targets } from "./targets.js";
import { byToken, type Verdict } from "./verdict.js";

const BATCH_LINES = 500;

/** What to evaluate and how. */
export interface EvaluationInput {
  readonly traffic: string;
  readonly labels: string;
  readonly config: Config;
  /** Must use the key the labels were made with. */
  readonly fingerprinter: Fingerprinter;
  readonly log: Logger;
  readonly rulesDir?: string;
  readonly format?: string;
  readonly targets?: Targets;
  readonly baseline?: BaselineThresholds;
}

/** Keeps tokenwatch's decisions as verdicts; nothing leaves the process. */
class VerdictOutputs implements Outputs {
  readonly verdicts: Verdict[] = [];
  rejected = 0;

  async deliver(effects: BatchEffects): Promise<void> {
    for (const decision of effects.decisions) this.verdicts.push(verdictOf(decision));
    this.rejected += effects.rejects.length;
  }
}

/**
 * Run the pipeline `replay` runs (embedded store, event time, the shipped
 * or given rules) over labelled traffic, with the naive baseline watching
 * the same events, and score both against the labels.
 */
export async function runEvaluation(input: EvaluationInput): Promise<EvaluationReport> {
  const started = Date.now();
  const { config, log } = input;
  const labels = readLabels(input.labels);
  const rulesDir = input.rulesDir ?? config.rules.dir;
  const ruleSet = await loadRules(rulesDir);

  const outputs = new VerdictOutputs();
  const baseline = new NaiveBaseline(input.baseline ?? DEFAULT_BASELINE);
  const activity = new AttackActivity(labels);
  const rules = new RuleTally(labels);
  let events = 0;
  let from: number | null = null;
  let to: number | null = null;

  const store = new MemoryTokenStateStore(config.state);
  const pipeline = await buildPipeline({
    config,
    fingerprinter: input.fingerprinter,
    store,
    outputs,
    metrics: new Metrics(),
    log,
    rulesDir,
    forcedFormats: input.format ? { [input.traffic]: input.format } : {},
    input: "file",
    // Labelled traffic is old by design: judge it by event time only.
    now: () => Number.MAX_SAFE_INTEGER / 2,
    onDetection: ({ event }, findings) => {
      const fp = event.token.fingerprint;
      events += 1;
      if (from === null || event.ts < from) from = event.ts;
      if (to === null || event.ts > to) to = event.ts;
      baseline.observe(fp, event.ts, event.clientIp);
      activity.observe(fp, event.ts, event.clientIp);
      for (const finding of findings)
        rules.add({ tokenFp: fp, ts: finding.ts, ruleId: finding.ruleId });
    },
  });

  for await (const batch of readLineBatches(input.traffic, BATCH_LINES)) {
    await pipeline.processBatch(batch);
  }
  await store.close();

  const tokenwatch = systemReport(labels, outputs.verdicts, activity);
  const targets = checkTargets(tokenwatch, input.targets ?? DEFAULT_TARGETS);
  const all = [...labels.values()];
  return {
    version: REPORT_VERSION,
    input: {
      traffic: input.traffic,
      labels: input.labels,
      events,
      rejected: outputs.rejected,
      tokens: labels.size,
      attackedTokens: all.filter(isAttack).length,
      benignTokenDays: all.reduce((sum, label) => sum + label.benignDays, 0),
      from,
      to,
    },
    tokenwatch,
    baseline: {
      ...systemReport(labels, baseline.verdicts, activity),
      thresholds: { ...(input.baseline ?? DEFAULT_BASELINE) },
    },
    rules: rules.scores(
      ruleSet.rules.map((rule) => ({ id: rule.id, mode: rule.mode, action: rule.action })),
      events,
    ),
    targets,
    targetsMet: targets.every((target) => target.met),
    elapsedMs: Date.now() - started,
  };
}

function systemReport(
  labels: ReadonlyMap<string, TokenLabel>,
  verdicts: readonly Verdict[],
  activity: AttackActivity,
): SystemReport {
  const grouped = byToken(verdicts);
  const all = [...labels.values()];
  const group = (keep: (label: TokenLabel) => boolean) =>
    figures(all.filter(keep), grouped, activity);
  return {
    ...scoreSystem(labels, verdicts, activity),
    sharingTheft: group((label) => label.family === "sharing" || label.family === "theft"),
    benign: group((label) => label.family === "benign"),
  };
}

function verdictOf(decision: Decision): Verdict {
  return {
    tokenFp: decision.tokenFp,
    ts: decision.ts,
    action: decision.action,
    ruleId: decision.ruleId,
  };
}
