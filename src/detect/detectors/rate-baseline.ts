import { median, medianAbsoluteDeviation } from "simple-statistics";
import { z } from "zod";
import type { DetectionInput, Evidence } from "../finding.js";
import type { StatisticalDetectorKind } from "./statistical-detector.js";

/*
 * Rate far above the token's own baseline, by robust z-score:
 *
 *   z = (current - median(history)) / scale
 *   scale = max(1.4826 · MAD(history), sqrt(median(history)), madFloor)
 *
 * Median and MAD ignore the odd busy minute that would drag a mean and a
 * standard deviation up. 1.4826 makes MAD estimate the standard deviation
 * of normal data. A perfectly flat history has MAD 0 and would make any
 * extra request infinitely unusual, so the scale has two floors: request
 * counts are roughly Poisson, whose standard deviation is the square root
 * of the mean, and `madFloor` covers tokens whose median is near zero.
 */

/** 1 / Φ⁻¹(3/4): MAD times this estimates σ for normally distributed data. */
const MAD_TO_SIGMA = 1.4826;

export const rateBaselineParamsSchema = z.strictObject({
  /** Robust z-score at or above which the detector fires. */
  threshold: z.number().positive().default(6),
  /** Warm-up: completed minutes of history needed before it may fire. */
  minHistoryMinutes: z.number().int().min(3).max(60).default(30),
  /** Warm-up: requests the token must have made in its life before it may fire. */
  minTotalRequests: z.number().int().nonnegative().default(200),
  /** Requests in the current minute below which a rise is never reported. */
  minRequests: z.number().int().nonnegative().default(30),
  /** Smallest scale, in requests per minute. */
  madFloor: z.number().positive().default(1),
});

export type RateBaselineParams = z.infer<typeof rateBaselineParamsSchema>;

/** The baseline statistics of one minute against its history. */
export interface RateBaselineStats {
  readonly current: number;
  readonly median: number;
  readonly mad: number;
  readonly scale: number;
  readonly z: number;
  readonly historyMinutes: number;
}

/** Robust z-score of `current` against `history` (requests per minute). */
export function rateBaselineStats(
  history: readonly number[],
  current: number,
  madFloor: number,
): RateBaselineStats {
  const center = history.length > 0 ? median([...history]) : 0;
  const mad = history.length > 0 ? medianAbsoluteDeviation([...history]) : 0;
  const scale = Math.max(MAD_TO_SIGMA * mad, Math.sqrt(center), madFloor);

  return {
    current,
    median: center,
    mad,
    scale,
    z: (current - center) / scale,
    historyMinutes: history.length,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function check(params: RateBaselineParams, input: DetectionInput): Evidence | null {
  const { window } = input;

  const warm =
    window.minuteHistory.length >= params.minHistoryMinutes &&
    window.totalRequests >= params.minTotalRequests;
  if (!warm || window.requests1m < params.minRequests) return null;

  const stats = rateBaselineStats(window.minuteHistory, window.requests1m, params.madFloor);
  if (stats.z < params.threshold) return null;

  return {
    current: stats.current,
    median: stats.median,
    mad: round(stats.mad),
    scale: round(stats.scale),
    z: round(stats.z),
    threshold: params.threshold,
    historyMinutes: stats.historyMinutes,
  };
}

/**
 * `detector: rate-baseline`: the current minute's requests
 * (`window.requests1m`, counted so far) against the token's completed
 * minutes (`window.minuteHistory`). Because the current minute is still
 * filling, a burst is reported as soon as it crosses the threshold.
 */
export const rateBaselineDetector: StatisticalDetectorKind<RateBaselineParams> = {
  name: "rate-baseline",
  params: rateBaselineParamsSchema,
  create: (params) => (input) => check(params, input),
};
