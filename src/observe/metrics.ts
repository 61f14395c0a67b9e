import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { GUARD_ALERT_KINDS } from "../act/guard-alert.js";
import { REJECT_REASONS } from "../errors.js";

/** Every `outcome` of tokenwatch_revocations_total; each is exported from start at 0. */
export const REVOCATION_OUTCOMES = [
  "published",
  "already",
  "dry_run",
  "allowlisted",
  "budget_exceeded",
] as const;

/**
 * Every metric tokenwatch exports, declared in one place. Labels are bounded:
 * rule ids come from the loaded rule files, reasons and actions from closed
 * sets. A token fingerprint or an IP address is never a label.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly eventsIn = new Counter({
    name: "tokenwatch_events_total",
    help: "Canonical events accepted by the normalizer, by the log format they were read with",
    labelNames: ["format"],
    registers: [this.registry],
  });

  readonly messagesIn = new Counter({
    name: "tokenwatch_messages_total",
    help:
      "Input messages processed (Kafka records or replay lines), " +
      "once per message however often its batch was retried",
    registers: [this.registry],
  });

  readonly eventsRejected = new Counter({
    name: "tokenwatch_events_rejected_total",
    help: "Input set aside, by reason; each is also sent to the dead-letter output",
    labelNames: ["reason"],
    registers: [this.registry],
  });

  readonly eventsWithoutToken = new Counter({
    name: "tokenwatch_events_without_token_total",
    help: "Events that carried no credential tokenwatch could identify",
    registers: [this.registry],
  });

  readonly duplicates = new Counter({
    name: "tokenwatch_events_duplicate_total",
    help: "Redelivered events whose state had already been applied",
    registers: [this.registry],
  });

  readonly findings = new Counter({
    name: "tokenwatch_findings_total",
    help: "Detector findings, by rule and mode (shadow findings are counted too)",
    labelNames: ["rule", "mode"],
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: "tokenwatch_decisions_total",
    help: "Decisions taken, by action and the rule that set it",
    labelNames: ["action", "rule"],
    registers: [this.registry],
  });

  readonly revocations = new Counter({
    name: "tokenwatch_revocations_total",
    help:
      "Revocation outcomes: published, already (token held a claim), dry_run, allowlisted, " +
      "budget_exceeded",
    labelNames: ["outcome"],
    registers: [this.registry],
  });

  readonly processingSeconds = new Histogram({
    name: "tokenwatch_batch_processing_seconds",
    help: "Wall time to process one input batch, from receipt to effects handed off",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly eventLagSeconds = new Gauge({
    name: "tokenwatch_event_lag_seconds",
    help: "Wall clock minus the event time of the newest processed event",
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: "tokenwatch_consumer_lag_messages",
    help: "High watermark minus the last processed offset, summed over assigned partitions",
    registers: [this.registry],
  });

  readonly ready = new Gauge({
    name: "tokenwatch_ready",
    help: "1 when the service can process events (Kafka and the state store reachable)",
    registers: [this.registry],
  });

  readonly batchRetries = new Counter({
    name: "tokenwatch_batch_retries_total",
    help: "Batch attempts that failed on a dependency and were retried, by error code",
    labelNames: ["code"],
    registers: [this.registry],
  });

  readonly consumptionPaused = new Gauge({
    name: "tokenwatch_consumption_paused",
    help: "1 while consumption waits on a dependency, labelled with the error code that stops it",
    labelNames: ["code"],
    registers: [this.registry],
  });

  readonly stateUnreadable = new Counter({
    name: "tokenwatch_state_unreadable_total",
    help: "Unreadable token states in Redis, kept aside under <key>:unreadable; the token restarts",
    registers: [this.registry],
  });

  readonly stateWriteConflicts = new Counter({
    name: "tokenwatch_state_write_conflicts_total",
    help: "Token state writes that lost the compare-and-set to another process and were redone",
    registers: [this.registry],
  });

  readonly allowlisted = new Counter({
    name: "tokenwatch_allowlisted_total",
    help: "Step-ups and revocations turned into alerts by an allowlist, by list",
    labelNames: ["list"],
    registers: [this.registry],
  });

  readonly guardAlerts = new Counter({
    name: "tokenwatch_guard_alerts_total",
    help:
      "Critical alerts about tokenwatch's own actions: " +
      "revocation_storm, revocation_not_enforced",
    labelNames: ["kind"],
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: "tokenwatch_webhook_deliveries_total",
    help:
      "HTTP alert and revocation deliveries by sink, endpoint and outcome " +
      "(delivered, dead_lettered)",
    labelNames: ["sink", "endpoint", "outcome"],
    registers: [this.registry],
  });

  readonly deliveryAttempts = new Counter({
    name: "tokenwatch_webhook_attempts_total",
    help:
      "HTTP delivery attempts by sink, endpoint and result " +
      "(ok, http_error, rejected, timeout, network_error)",
    labelNames: ["sink", "endpoint", "result"],
    registers: [this.registry],
  });

  readonly deliverySeconds = new Histogram({
    name: "tokenwatch_webhook_delivery_seconds",
    help: "Time from the first attempt to delivery or dead letter, retries included, by sink",
    labelNames: ["sink"],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly enforcementWrites = new Counter({
    name: "tokenwatch_enforcement_writes_total",
    help: "Revocations written to enforcement targets (denylist, http), by outcome",
    labelNames: ["target", "outcome"],
    registers: [this.registry],
  });

  readonly auditRecords = new Counter({
    name: "tokenwatch_audit_records_total",
    help: "Audit records written, by kind (decision, override)",
    labelNames: ["kind"],
    registers: [this.registry],
  });

  readonly eventProcessingDelaySeconds = new Histogram({
    name: "tokenwatch_event_processing_delay_seconds",
    help: "Wall clock at decision time minus the deciding event's time, per decision",
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  /**
   * Per-rule decisions and false positives as people marked them, read from
   * the shared decision ledger at scrape time (the CLI marks them, every
   * process reports the same numbers). Aggregate with max(), not sum().
   */
  readonly ruleDecisions = new Gauge({
    name: "tokenwatch_rule_decisions",
    help: "Decisions per rule since the ledger began (shared over processes; use max by rule)",
    labelNames: ["rule"],
    registers: [this.registry],
  });

  readonly ruleFalsePositives = new Gauge({
    name: "tokenwatch_rule_false_positives",
    help: "Decisions per rule marked as false positives (shared over processes; use max by rule)",
    labelNames: ["rule"],
    registers: [this.registry],
  });

  /**
   * Export the delivery and enforcement series of the configured targets at 0.
   * The alerting rules ask increase(...) > 0, which only sees a rise between two
   * samples: a series born at 1 would hide the first dead letter or failed write.
   */
  expectTargets(targets: {
    deliveries: readonly { sink: string; endpoint: string }[];
    enforcement: readonly { target: string; outcomes: readonly string[] }[];
  }): void {
    for (const labels of targets.deliveries) {
      for (const outcome of ["delivered", "dead_lettered"]) {
        this.deliveries.inc({ ...labels, outcome }, 0);
      }
    }
    for (const { target, outcomes } of targets.enforcement) {
      for (const outcome of outcomes) this.enforcementWrites.inc({ target, outcome }, 0);
    }
  }

  /** Refresh the rule quality gauges from the ledger before each scrape. */
  async refreshRuleQuality(
    read: () => Promise<ReadonlyArray<{ rule: string; decisions: number; falsePositives: number }>>,
  ): Promise<void> {
    for (const { rule, decisions, falsePositives } of await read()) {
      this.ruleDecisions.set({ rule }, decisions);
      this.ruleFalsePositives.set({ rule }, falsePositives);
    }
  }

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    for (const reason of REJECT_REASONS) this.eventsRejected.inc({ reason }, 0);
    // Alerting rules compare these to zero; a series must exist before its first increment.
    for (const kind of GUARD_ALERT_KINDS) {
      this.guardAlerts.inc({ kind }, 0);
    }
    // increase() only counts a rise between two samples: a series born at 1 hides the
    // first revocation since start from the "Tokens revoked" panel and its alert.
    for (const outcome of REVOCATION_OUTCOMES) this.revocations.inc({ outcome }, 0);
    this.stateUnreadable.inc(0);
    this.stateWriteConflicts.inc(0);
  }
}
