import { createHash } from "node:crypto";
import type { Finding, RuleAction } from "../detect/finding.js";
import type { EventSource, TokenClaims } from "../ingest/canonical-event.js";

/**
 * What tokenwatch decided about one event of one token. Decisions are the
 * unit of every output: alerts, revocations, audit, replay's `--json` lines.
 */
export interface Decision {
  /** Deterministic id: the same event always yields the same id, so redelivery is recognizable. */
  readonly id: string;
  /** Event time of the deciding event. */
  readonly ts: number;
  readonly tokenFp: string;
  /** The effective action after modes, cooldowns and guards. */
  readonly action: RuleAction;
  /** The action the findings asked for before guards (dry run, revocation already held). */
  readonly requestedAction: RuleAction;
  /** The rule behind the action: the highest-scoring finding that asked for it. */
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly riskScore: number;
  /** Every finding that contributed, shadow ones included, with their evidence. */
  readonly findings: readonly Finding[];
  /** Why the effective action differs from the requested one, or null. */
  readonly guard: string | null;
  readonly consumerId: string | null;
  readonly credentialId: string | null;
  readonly routeId: string | null;
  readonly claims: TokenClaims | null;
  readonly source: EventSource;
}

/**
 * Derive a decision id from the token and the event's source position.
 * A redelivered event has the same position, hence the same id, which lets
 * the revocation claim and downstream consumers recognize repeats.
 */
export function decisionId(tokenFp: string, source: EventSource): string {
  const key = `${tokenFp}|${source.stream}|${source.partition}|${source.offset}|${source.index}`;
  return createHash("sha256").update(key).digest("base64url").slice(0, 22);
}
