import type { Kafka, Message, Producer } from "kafkajs";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { DependencyError } from "../errors.js";
import type { Metrics } from "../observe/metrics.js";
import type { BatchEffects, Outputs } from "../pipeline/pipeline.js";
import { alertRecord, deadLetterRecord } from "./alert-record.js";
import { buildRevocationEvent } from "./revocation-event.js";

/**
 * Publishes a batch's effects to Kafka: every decision to the alerts topic,
 * `revoke` decisions also to the revocations topic, rejected input to the
 * dead-letter topic. `deliver` resolves once the broker acknowledged all of
 * them (acks = all, idempotent producer), which is what lets the consumer
 * commit the batch's offsets afterwards.
 */
export class KafkaOutputs implements Outputs {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly config: Config["kafka"],
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async deliver(effects: BatchEffects): Promise<void> {
    const topicMessages = this.build(effects);
    if (topicMessages.length === 0) return;

    try {
      await this.producer.sendBatch({ topicMessages, acks: -1 });
    } catch (err) {
      throw new DependencyError("OUTPUT_KAFKA_UNAVAILABLE", "publishing decisions failed", {
        cause: err,
      });
    }

    for (const decision of effects.decisions) {
      if (decision.action === "revoke") this.metrics.revocations.inc({ outcome: "published" });
      this.log.info(
        { tokenFp: decision.tokenFp, ruleId: decision.ruleId, action: decision.action },
        "decision published",
      );
    }
  }

  private build(effects: BatchEffects): { topic: string; messages: Message[] }[] {
    const alerts: Message[] = [];
    const revocations: Message[] = [];
    const deadLetters: Message[] = [];

    for (const decision of effects.decisions) {
      alerts.push({ key: decision.tokenFp, value: JSON.stringify(alertRecord(decision)) });
      if (decision.action === "revoke") {
        const event = buildRevocationEvent(decision, {
          issuer: "tokenwatch",
          audience: this.config.revocationsTopic,
        });
        revocations.push({ key: decision.tokenFp, value: JSON.stringify(event) });
      }
    }
    for (const reject of effects.rejects) {
      deadLetters.push({ value: JSON.stringify(deadLetterRecord(reject)) });
    }

    const out: { topic: string; messages: Message[] }[] = [];
    if (alerts.length) out.push({ topic: this.config.alertsTopic, messages: alerts });
    if (revocations.length) {
      out.push({ topic: this.config.revocationsTopic, messages: revocations });
    }
    if (deadLetters.length) out.push({ topic: this.config.deadLetterTopic, messages: deadLetters });
    return out;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
