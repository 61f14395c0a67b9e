import type { CanonicalEvent } from "../ingest/canonical-event.js";
import type { WindowStats } from "../state/token-state-store.js";

export type Severity = "low" | "medium" | "high" | "critical";

/** What a rule asks for when it fires in `enforce` mode. */
export type RuleAction = "alert" | "step_up" | "revoke";

/**
 * How a rule's findings are acted on: `enforce` carries out its action,
 * `alert` downgrades any action to an alert, `shadow` only counts and logs.
 */
export type RuleMode = "enforce" | "alert" | "shadow";

/** The numbers that made a detector fire: flat, small, and free of secrets. */
export type Evidence = Readonly<Record<string, number | string | boolean | null>>;

/** One detector's verdict on one event. */
export interface Finding {
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly tokenFp: string;
  readonly severity: Severity;
  /** Contribution to the token's risk score, 0..100. */
  readonly score: number;
  readonly action: RuleAction;
  readonly mode: RuleMode;
  readonly cooldownMs: number;
  readonly evidence: Evidence;
  /** Event time of the event that triggered the finding. */
  readonly ts: number;
}

/** What a detector sees for one event. */
export interface DetectionInput {
  readonly event: CanonicalEvent & { readonly token: NonNullable<CanonicalEvent["token"]> };
  readonly window: WindowStats;
}

/** Anything that turns one event plus its token's windows into findings. */
export interface Detector {
  readonly id: string;
  detect(input: DetectionInput): Finding[];
}
