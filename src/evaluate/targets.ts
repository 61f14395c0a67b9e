import type { Figures } from "./score.js";

/*
 * The detection-quality targets a run is held to, and by how much each is
 * met or missed. Recall is held twice: detection (any verdict, an alert
 * included) and revocation, because an alert a person must read is not
 * the automatic revocation the sharing and theft scenarios call for.
 * `gap` is signed so that a positive gap is always a miss: for an "at
 * least" target it is target − actual, for an "at most" one actual − target.
 */

/** The configurable targets; the defaults are the project's stated goals. */
export interface Targets {
  /** Share of sharing and theft tokens with any verdict after the attack started. */
  readonly sharingTheftRecall: number;
  /** Share of sharing and theft tokens revoked after the attack started. */
  readonly sharingTheftRevocationRecall: number;
  readonly falseRevocationsPer10kTokenDays: number;
  /** Median seconds of attacker activity before the first verdict (sharing and theft). */
  readonly medianSecondsToDetect: number;
  /** Benign tokens revoked, in the false-positive scenarios together. */
  readonly benignRevocations: number;
}

/** The targets of the detection-quality issue; `tokenwatch evaluate` flags override them. */
export const DEFAULT_TARGETS: Targets = {
  sharingTheftRecall: 0.95,
  sharingTheftRevocationRecall: 0.95,
  falseRevocationsPer10kTokenDays: 1,
  medianSecondsToDetect: 60,
  benignRevocations: 0,
};

/** One target's outcome. */
export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly comparison: "at least" | "at most";
  readonly target: number;
  /** Null when the run had nothing to measure it on (no attacks detected, no benign days). */
  readonly actual: number | null;
  readonly met: boolean;
  /** How far from the target, positive when missed; null when not measurable. */
  readonly gap: number | null;
}

/** The groups of figures the targets read. */
export interface TargetInputs {
  readonly overall: Figures;
  readonly sharingTheft: Figures;
  readonly benign: Figures;
}

/** Check every target against a run's figures. */
export function checkTargets(
  inputs: TargetInputs,
  targets: Targets = DEFAULT_TARGETS,
): TargetResult[] {
  return [
    atLeast(
      "sharing-theft-recall",
      "sharing and theft tokens detected (any verdict after the attack started)",
      targets.sharingTheftRecall,
      inputs.sharingTheft.alerts.recall.value,
    ),
    atLeast(
      "sharing-theft-revocation-recall",
      "sharing and theft tokens revoked after the attack started",
      targets.sharingTheftRevocationRecall,
      inputs.sharingTheft.revocations.recall.value,
    ),
    atMost(
      "false-revocations-per-10k-token-days",
      "tokens revoked while only their owner used them, per 10,000 benign token-days",
      targets.falseRevocationsPer10kTokenDays,
      inputs.overall.falseRevocationsPer10kTokenDays,
    ),
    atMost(
      "median-seconds-to-detect",
      "median seconds of attacker activity before the first verdict (sharing and theft)",
      targets.medianSecondsToDetect,
      inputs.sharingTheft.timeToAlert.medianSeconds,
    ),
    atMost(
      "benign-revocations",
      "revocations in the false-positive (benign) scenarios",
      targets.benignRevocations,
      inputs.benign.revocations.falseRevocations,
    ),
  ];
}

function atLeast(
  id: string,
  description: string,
  target: number,
  actual: number | null,
): TargetResult {
  const gap = actual === null ? null : round(target - actual);
  return {
    id,
    description,
    comparison: "at least",
    target,
    actual,
    met: gap !== null && gap <= 0,
    gap,
  };
}

function atMost(
  id: string,
  description: string,
  target: number,
  actual: number | null,
): TargetResult {
  const gap = actual === null ? null : round(actual - target);
  return {
    id,
    description,
    comparison: "at most",
    target,
    actual,
    met: gap !== null && gap <= 0,
    gap,
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
