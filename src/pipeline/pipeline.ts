import type { Logger } from "pino";
import type { GuardAlert } from "../act/guard-alert.js";
import type { Decision } from "../decide/decision.js";
import type { DecisionPolicy } from "../decide/policy.js";
import type { Detector, Finding } from "../detect/finding.js";
import type { EventEnricher, EventFacts } from "../enrich/event-enricher.js";
import type { SharedEgress } from "../enrich/shared-egress.js";
import type { TokenClassifier } from "../enrich/token-class.js";
import type { RejectReason } from "../errors.js";
import type { CanonicalEvent, EventSource } from "../ingest/canonical-event.js";
import { MAX_EVENTS_PER_MESSAGE } from "../ingest/decode.js";
import type { Metrics } from "../observe/metrics.js";
import { appliedEntries } from "../state/state-errors.js";
import type { TokenObservation, TokenStateStore, WindowStats } from "../state/token-state-store.js";

/** One input message: a Kafka record or a replay line. */
export interface InputMessage {
  readonly value: Buffer | string | null;
  readonly stream: string;
  readonly partition: number;
  readonly offset: number;
}

/** Input set aside, with why and where; `redactedPayload` has had every secret removed. */
export interface RejectedInput {
  readonly reason: RejectReason;
  readonly message: string;
  readonly source: EventSource;
  readonly format: string | null;
  readonly redactedPayload: string | null;
}

/** The decode → normalize → identify steps, as the pipeline needs them. */
export interface EventNormalizer {
  normalize(
    message: Buffer | string,
    position: { stream: string; partition: number; offset: number },
  ): { events: CanonicalEvent[]; rejects: RejectedInput[] };
}

/** Where a batch's effects go; resolves once they are durable (acknowledged). */
export interface Outputs {
  deliver(effects: BatchEffects): Promise<void>;
}

export interface BatchEffects {
  readonly decisions: readonly Decision[];
  readonly rejects: readonly RejectedInput[];
  /** Critical alerts about tokenwatch's own actions (revocation storm, not enforced). */
  readonly guardAlerts?: readonly GuardAlert[];
}

/** The closed loop: spots revoked tokens the gateway still lets through (act/enforcement-check). */
export interface EnforcementWatch {
  check(events: readonly TokenEvent[]): Promise<GuardAlert[]>;
}

export interface BatchResult extends BatchEffects {
  readonly events: number;
  readonly duplicates: number;
  readonly withoutToken: number;
  /** Oldest and newest event time in the batch, or null when it had no events. */
  readonly oldestTs: number | null;
  readonly newestTs: number | null;
}

export interface PipelineDeps {
  readonly normalizer: EventNormalizer;
  /** Network key, user-agent family and geo-IP facts of each event. */
  readonly enricher: EventEnricher;
  /** The token's class for rules and exceptions; null leaves it unknown. */
  readonly classifier: TokenClassifier | null;
  /** Shared-egress learning; null counts every address as its own network. */
  readonly sharedEgress: SharedEgress | null;
  readonly store: TokenStateStore;
  readonly detectors: readonly Detector[];
  readonly policy: DecisionPolicy;
  readonly outputs: Outputs;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly enforcement?: EnforcementWatch;
  /** Kafka records are logged by topic, partition and offset; replay lines by file and line. */
  readonly input?: "kafka" | "file";
}

type TokenEvent = CanonicalEvent & { readonly token: NonNullable<CanonicalEvent["token"]> };

/**
 * The processing pipeline shared by `run` (Kafka) and `replay` (files):
 * normalize → update state → detect → decide → hand effects to the outputs.
 *
 * A batch's events are grouped by token so that each token costs one store
 * call per batch, in one round trip for the whole batch. `processBatch`
 * resolves only after the outputs acknowledged the batch's effects, so the
 * caller may then commit the batch's offsets.
 */
export class Pipeline {
  /**
   * Per batch (the caller retries with the same array), the windows of the
   * tokens whose events the state already applied. A batch that failed after
   * that — Redis went away mid-batch or before a cooldown claim, delivery
   * failed for good — is processed again, and re-applied its events would
   * only answer "duplicate": a detector looking for a first network or
   * country would not fire again, and its decision would be lost. The retry
   * takes these windows instead of asking the store again.
   */
  private readonly applied = new WeakMap<readonly InputMessage[], Map<string, WindowStats[]>>();

  constructor(private readonly deps: PipelineDeps) {}

  async processBatch(messages: readonly InputMessage[]): Promise<BatchResult> {
    const { events, rejects } = this.normalizeAll(messages);
    const withToken = events.filter((event): event is TokenEvent => event.token !== null);
    const withoutToken = events.length - withToken.length;

    const enriched = withToken.map((event) => this.deps.enricher.facts(event));
    const counted = this.deps.sharedEgress
      ? await this.deps.sharedEgress.apply(withToken, enriched)
      : enriched;
    const windows = await this.observe(withToken, counted, this.appliedOf(messages));
    const duplicates = windows.filter((window) => window.duplicate).length;

    const raised: GuardAlert[] = [];
    const decisions = await this.decideAll(withToken, windows, enriched, raised);
    const guardAlerts = [...raised, ...((await this.deps.enforcement?.check(withToken)) ?? [])];
    await this.deps.outputs.deliver({ decisions, rejects, guardAlerts });
    await this.confirmRevocations(decisions);
    // Counted once the batch went through: a batch retried after a Redis outage is read again.
    this.countBatch(messages.length, events, rejects, withoutToken, duplicates);
    this.applied.delete(messages);

    return {
      events: events.length,
      duplicates,
      withoutToken,
      decisions,
      rejects,
      guardAlerts,
      ...timeSpan(events),
    };
  }

  private normalizeAll(messages: readonly InputMessage[]): BatchEffects & {
    events: CanonicalEvent[];
    rejects: RejectedInput[];
  } {
    const { normalizer, log } = this.deps;
    const events: CanonicalEvent[] = [];
    const rejects: RejectedInput[] = [];

    for (const message of messages) {
      if (message.value === null) continue; // Tombstones carry no request.

      const { stream, partition, offset } = message;
      const result = normalizer.normalize(message.value, { stream, partition, offset });
      events.push(...result.events);
      for (const reject of result.rejects) {
        const { source } = reject;
        const where =
          this.deps.input === "file"
            ? { file: source.stream, line: source.offset }
            : { topic: source.stream, partition: source.partition, offset: source.offset };
        log.warn({ ...where, reason: reject.reason, format: reject.format }, reject.message);
        rejects.push(reject);
      }
    }
    return { events, rejects, decisions: [] };
  }

  /**
   * The batch's input counters, incremented once its effects are delivered,
   * so that a batch re-run after a failure (Redis down) does not count its
   * messages, events and rejects again: rates and the rejected share stay true.
   */
  private countBatch(
    messages: number,
    events: readonly CanonicalEvent[],
    rejects: readonly RejectedInput[],
    withoutToken: number,
    duplicates: number,
  ): void {
    const { metrics } = this.deps;
    metrics.messagesIn.inc(messages);
    for (const event of events) metrics.eventsIn.inc({ format: event.format });
    for (const reject of rejects) metrics.eventsRejected.inc({ reason: reject.reason });
    if (withoutToken > 0) metrics.eventsWithoutToken.inc(withoutToken);
    if (duplicates > 0) metrics.duplicates.inc(duplicates);
  }

  /**
   * Once a revocation is delivered, mark its claim so that re-reading this
   * batch (a restart before the offset commit) does not publish it again,
   * and record its event time in the token's state: from then on the
   * token's 401/403 responses are the gateway enforcing it, and the state
   * keeps them out of every statistic (a 401 burst of our own making must
   * not raise findings).
   */
  private async confirmRevocations(decisions: readonly Decision[]): Promise<void> {
    for (const decision of decisions) {
      if (decision.action !== "revoke") continue;
      // Confirms and marks the token revoked at once; an operator's withdrawal meanwhile wins.
      await this.deps.store.confirmRevocation(decision.tokenFp, decision.id, decision.ts);
    }
  }

  private appliedOf(messages: readonly InputMessage[]): Map<string, WindowStats[]> {
    let applied = this.applied.get(messages);
    if (!applied) {
      applied = new Map();
      this.applied.set(messages, applied);
    }
    return applied;
  }

  /**
   * Apply every event to its token's state; returns window stats in event
   * order. Tokens in `applied` (this batch's earlier attempt) keep their
   * windows; the others' are added to it.
   */
  private async observe(
    events: readonly TokenEvent[],
    facts: readonly EventFacts[],
    applied: Map<string, WindowStats[]>,
  ): Promise<WindowStats[]> {
    const byToken = new Map<string, { indexes: number[]; observations: TokenObservation[] }>();

    events.forEach((event, index) => {
      const fp = event.token.fingerprint;
      let group = byToken.get(fp);
      if (!group) {
        group = { indexes: [], observations: [] };
        byToken.set(fp, group);
      }
      group.indexes.push(index);
      group.observations.push(toObservation(event, facts[index] as EventFacts));
    });

    const groups = [...byToken.entries()];
    const fresh = groups.filter(([tokenFp]) => !applied.has(tokenFp));
    let results: WindowStats[][];
    try {
      results = await this.deps.store.observeMany(
        fresh.map(([tokenFp, group]) => ({ tokenFp, observations: group.observations })),
      );
    } catch (err) {
      appliedEntries(err)?.forEach((stats, g) => {
        const tokenFp = fresh[g]?.[0];
        if (stats && tokenFp !== undefined) applied.set(tokenFp, [...stats]);
      });
      throw err;
    }
    for (const [g, [tokenFp]] of fresh.entries()) applied.set(tokenFp, results[g] ?? []);

    const windows: WindowStats[] = new Array(events.length);
    groups.forEach(([tokenFp, group]) => {
      const stats = applied.get(tokenFp) ?? [];
      group.indexes.forEach((eventIndex, i) => {
        const window = stats[i];
        if (window) windows[eventIndex] = window;
      });
    });
    return windows;
  }

  private async decideAll(
    events: readonly TokenEvent[],
    windows: readonly WindowStats[],
    facts: readonly EventFacts[],
    alerts: GuardAlert[],
  ): Promise<Decision[]> {
    const { detectors, policy, metrics, classifier } = this.deps;
    const decisions: Decision[] = [];

    for (let i = 0; i < events.length; i++) {
      const event = events[i] as TokenEvent;
      const window = windows[i];
      if (!window) continue;

      const fact = facts[i] as EventFacts;
      const enrichment = {
        network: fact.network,
        asn: fact.asn,
        country: fact.country,
        location: fact.location,
        tokenClass: classifier?.classify(event, window) ?? null,
      };
      const findings: Finding[] = [];
      for (const detector of detectors) {
        for (const finding of detector.detect({ event, window, enrichment })) {
          findings.push(finding);
        }
      }
      if (findings.length === 0) continue;

      for (const finding of findings) {
        metrics.findings.inc({ rule: finding.ruleId, mode: finding.mode });
      }
      const decision = await policy.decide(event, findings, enrichment, alerts);
      if (decision) decisions.push(decision);
    }
    return decisions;
  }
}

function toObservation(event: TokenEvent, facts: EventFacts): TokenObservation {
  return {
    ts: event.ts,
    network: facts.network,
    userAgent: facts.userAgentFamily,
    status: event.status,
    partitionKey: `${event.source.stream}/${event.source.partition}`,
    offset: eventOffset(event.source),
    expiresAt: event.token.claims?.exp ?? null,
    asn: facts.asn,
    country: facts.country,
    location: facts.location,
    browser: facts.browser,
  };
}

/**
 * The idempotency position of an event within its partition. Several events
 * can share one Kafka record (a JSON array), so the index inside the record
 * is folded in; decode refuses records with more events than that leaves room for.
 */
function eventOffset(source: EventSource): number {
  return source.offset * MAX_EVENTS_PER_MESSAGE + source.index;
}

function timeSpan(events: readonly CanonicalEvent[]): {
  oldestTs: number | null;
  newestTs: number | null;
} {
  let oldestTs: number | null = null;
  let newestTs: number | null = null;
  for (const { ts } of events) {
    if (oldestTs === null || ts < oldestTs) oldestTs = ts;
    if (newestTs === null || ts > newestTs) newestTs = ts;
  }
  return { oldestTs, newestTs };
}
