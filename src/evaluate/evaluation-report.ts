import type { RuleScore } from "./rule-scores.js";
import type { Figures } from "./score.js";
import type { TargetResult } from "./targets.js";

/*
 * The JSON report of `tokenwatch evaluate`. It names tokens only by
 * scenario and counts, never by fingerprint or secret, so it can be kept
 * as a CI artifact and compared between runs.
 */

/** Bumped when a field of the report changes meaning or goes away. */
export const REPORT_VERSION = 1;

/** One system's figures: overall, per scenario, and for the target groups. */
export interface SystemReport {
  readonly overall: Figures;
  readonly scenarios: Readonly<Record<string, Figures>>;
  /** Sharing and theft together: the group the recall and time-to-detect targets read. */
  readonly sharingTheft: Figures;
  /** Every benign scenario together: the false-positive traps. */
  readonly benign: Figures;
  /** Tokens the system acted on that the label file does not name. */
  readonly unlabelledTokens: number;
}

/** Everything an evaluation measured. */
export interface EvaluationReport {
  readonly version: number;
  readonly input: {
    readonly traffic: string;
    readonly labels: string;
    readonly events: number;
    readonly rejected: number;
    readonly tokens: number;
    readonly attackedTokens: number;
    readonly benignTokenDays: number;
    /** Event-time span of the traffic, epoch ms. */
    readonly from: number | null;
    readonly to: number | null;
  };
  readonly tokenwatch: SystemReport;
  readonly baseline: SystemReport & { readonly thresholds: Readonly<Record<string, number>> };
  readonly rules: readonly RuleScore[];
  /** Targets on tokenwatch's figures. */
  readonly targets: readonly TargetResult[];
  readonly targetsMet: boolean;
  readonly elapsedMs: number;
}
