import type { z } from "zod";
import type { DetectionInput, Evidence } from "../finding.js";

/**
 * The statistical part of a detector: given one event and its token's
 * windows, either the evidence that the token behaves unlike itself, or
 * `null`. Everything else a finding needs (id, severity, score, action,
 * mode, cooldown, exceptions) comes from the rule that names the detector,
 * so statistical detectors are tuned in rule files like every other rule:
 *
 * ```yaml
 * - id: rate-above-baseline
 *   detector: rate-baseline
 *   params: { threshold: 6 }
 * ```
 */
export type StatisticalCheck = (input: DetectionInput) => Evidence | null;

/** A kind of statistical detector a rule can name with `detector:`. */
export interface StatisticalDetectorKind<P> {
  /** The value of a rule's `detector:` field. */
  readonly name: string;
  /** Validates and defaults the rule's `params:`; strict, so typos fail loading. */
  readonly params: z.ZodType<P>;
  create(params: P): StatisticalCheck;
}
