import { rateBaselineDetector } from "./rate-baseline.js";
import type { StatisticalDetectorKind } from "./statistical-detector.js";

/** Every statistical detector a rule file can name, by its `detector:` value. */
export const STATISTICAL_DETECTORS: ReadonlyMap<string, StatisticalDetectorKind<unknown>> = new Map(
  [rateBaselineDetector].map((kind) => [kind.name, kind]),
);
