import { impossibleTravelDetector } from "./impossible-travel.js";
import { newPlaceDetector } from "./new-place.js";
import { rateBaselineDetector } from "./rate-baseline.js";
import type { StatisticalDetectorKind } from "./statistical-detector.js";
import { unusualHourDetector } from "./unusual-hour.js";

/** Every statistical detector a rule file can name, by its `detector:` value. */
export const STATISTICAL_DETECTORS: ReadonlyMap<string, StatisticalDetectorKind<unknown>> = new Map(
  [rateBaselineDetector, impossibleTravelDetector, newPlaceDetector, unusualHourDetector].map(
    (kind) => [kind.name, kind as StatisticalDetectorKind<unknown>],
  ),
);
