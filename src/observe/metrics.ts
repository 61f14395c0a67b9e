import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { REJECT_REASONS } from "../errors.js";

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
    help: "Input messages read (Kafka records or replay lines)",
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
    help: "Revocation outcomes: published, already (token held a claim), dry_run",
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

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    for (const reason of REJECT_REASONS) this.eventsRejected.inc({ reason }, 0);
  }
}
