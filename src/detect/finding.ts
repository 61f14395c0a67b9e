import type { CanonicalEvent } from "../ingest/canonical-event.js";
import type { GeoPoint, WindowStats } from "../state/token-state-store.js";

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

/**
 * Facts about an event that later pipeline steps (identity, enrichment) add
 * beside the canonical event. Every field is optional so that detectors work
 * before those steps exist; rules match on them only when they are present.
 */
export interface EventEnrichment {
  /** Client network key as the state store counts it (IPv4 address, or IPv6 /64). */
  readonly network?: string | null;
  /** Autonomous system number of the client address. */
  readonly asn?: number | null;
  /** ISO 3166-1 alpha-2 country of the client address. */
  readonly country?: string | null;
  /** Class of the token, `user` or `service` (learned, or set in configuration). */
  readonly tokenClass?: string | null;
  /** Geo-IP location of the client address with its uncertainty radius. */
  readonly location?: GeoPoint | null;
}

/** What a detector sees for one event. */
export interface DetectionInput {
  readonly event: CanonicalEvent & { readonly token: NonNullable<CanonicalEvent["token"]> };
  readonly window: WindowStats;
  readonly enrichment?: EventEnrichment;
}

/** Anything that turns one event plus its token's windows into findings. */
export interface Detector {
  readonly id: string;
  detect(input: DetectionInput): Finding[];
}
