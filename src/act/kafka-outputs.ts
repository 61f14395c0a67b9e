import {
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
  type ProducerConfig,
} from "kafkajs";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Decision } from "../decide/decision.js";
import { DependencyError } from "../errors.js";
import type { Metrics } from "../observe/metrics.js";
import type { BatchEffects, Outputs } from "../pipeline/pipeline.js";
import { type ActionTargets, deliverToTargets, targetNames } from "./action-targets.js";
import { alertRecord, deadLetterRecord } from "./alert-record.js";
import { decisionAuditRecord } from "./audit-record.js";
import type { DeliveryDeadLetter } from "./delivery-dead-letter.js";
import { guardAlertRecord } from "./guard-alert.js";
import type { EncodedRevocation } from "./revocation-endpoint.js";
import { buildRevocationEvent } from "./revocation-event.js";
import { plainRevocations, type RevocationSigner } from "./revocation-signer.js";

type TopicMessages = { topic: string; messages: Message[] };

/** A decision and the audit record written for it. */
interface AuditEntry {
  readonly decision: Decision;
  readonly record: ReturnType<typeof decisionAuditRecord>;
}

/**
 * How every tokenwatch producer publishes (the service's outputs and the
 * override commands): idempotent with one request in flight, so a retried
 * send neither duplicates nor reorders records; and the Java client's
 * murmur2 partitioner, chosen explicitly, so records keyed by a token's
 * fingerprint (a revocation, later its withdrawal) land in one partition in
 * order, the same one a Java or librdkafka producer would pick.
 */
export const OUTPUT_PRODUCER: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
};

/** The steps of one batch's delivery that are done, with what they produced. */
interface DeliveryProgress {
  /** Set once Kafka acknowledged the batch's records. */
  revocations?: EncodedRevocation[];
  /** Set once the targets were served; what the HTTP sinks gave up on. */
  deadLetters?: DeliveryDeadLetter[];
}

/**
 * Publishes a batch's effects, in two steps:
 *
 * 1. Kafka, in one `sendBatch` (acks = all, idempotent producer): every
 *    decision and guard alert to the alerts topic, `revoke` decisions also to
 *    the revocations topic (signed when a key is configured), an audit record
 *    per decision, rejected input to the dead-letter topic.
 * 2. The optional targets (act/action-targets.ts): the Redis denylist, then
 *    webhooks, Alertmanager and the revocation endpoint, each bounded by
 *    `webhooks.deadlineMs`; what they could not deliver goes to the actions
 *    dead-letter topic.
 *
 * `deliver` resolves only when all of that is durable, which is what lets the
 * consumer commit the batch's offsets afterwards. When a step fails, the
 * caller retries `deliver` with the same effects, and the delivery resumes
 * at the step that failed: what Kafka already acknowledged is not published
 * again, webhooks already sent are not sent again, and a failed dead-letter
 * send is retried alone. Only a batch processed anew (after a crash or a
 * rebalance) publishes its alerts again, under the same `id`; revocations
 * never (the store's delivered mark).
 */
export class KafkaOutputs implements Outputs {
  /** How far each batch's delivery got, for a retry of the same effects to resume. */
  private readonly progress = new WeakMap<BatchEffects, DeliveryProgress>();
  private readonly producer: Producer;
  private readonly signer: RevocationSigner;
  private readonly targets: ActionTargets | null;
  private readonly audit: Config["audit"];
  private readonly policy: Pick<Config["policy"], "dryRun" | "revokeScore">;
  private readonly issuer: string;

  constructor(
    kafka: Kafka,
    private readonly config: Config["kafka"],
    private readonly metrics: Metrics,
    private readonly log: Logger,
    options: {
      signer?: RevocationSigner;
      targets?: ActionTargets;
      audit?: Config["audit"];
      policy?: Pick<Config["policy"], "dryRun" | "revokeScore">;
      revocations?: Pick<Config["revocations"], "issuer">;
    } = {},
  ) {
    this.producer = kafka.producer({ ...OUTPUT_PRODUCER, allowAutoTopicCreation: true });
    this.signer = options.signer ?? plainRevocations;
    this.targets = options.targets ?? null;
    this.audit = options.audit ?? { topic: null, log: false };
    this.policy = options.policy ?? { dryRun: false, revokeScore: 80 };
    this.issuer = options.revocations?.issuer ?? "tokenwatch";
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async deliver(effects: BatchEffects): Promise<void> {
    let progress = this.progress.get(effects);
    if (!progress) {
      progress = {};
      this.progress.set(effects, progress);
    }
    progress.revocations ??= await this.publish(effects);
    if (this.targets === null) return;

    progress.deadLetters ??= await deliverToTargets(this.targets, effects, progress.revocations);
    if (progress.deadLetters.length > 0) {
      await this.send([this.deadLetterMessages(progress.deadLetters)]);
    }
  }

  /** Step 1: every Kafka output of the batch, in one send; counted and logged once acknowledged. */
  private async publish(effects: BatchEffects): Promise<EncodedRevocation[]> {
    const revocations = await this.encodeRevocations(effects.decisions);
    const audits = this.auditRecords(effects.decisions);
    await this.send(this.build(effects, revocations, audits));

    // Counted and logged once published: a retried delivery must not count them again.
    for (const { decision, record } of audits) {
      this.metrics.auditRecords.inc({ kind: "decision" });
      if (this.audit.log) this.log.info({ audit: record, tokenFp: decision.tokenFp }, "audit");
    }
    for (const decision of effects.decisions) {
      if (decision.action === "revoke") this.metrics.revocations.inc({ outcome: "published" });
      this.metrics.eventProcessingDelaySeconds.observe(
        Math.max(Date.now() - decision.ts, 0) / 1000,
      );
      this.log.info(
        { tokenFp: decision.tokenFp, ruleId: decision.ruleId, action: decision.action },
        "decision published",
      );
    }
    return revocations;
  }

  private async encodeRevocations(decisions: readonly Decision[]): Promise<EncodedRevocation[]> {
    const out: EncodedRevocation[] = [];
    for (const decision of decisions) {
      if (decision.action !== "revoke") continue;
      const event = buildRevocationEvent(decision, {
        issuer: this.issuer,
        audience: this.config.revocationsTopic,
      });
      out.push({
        decisionId: decision.id,
        tokenFp: decision.tokenFp,
        body: await this.signer.encode(event),
        signed: this.signer.signed,
      });
    }
    return out;
  }

  private build(
    effects: BatchEffects,
    revocations: readonly EncodedRevocation[],
    audits: readonly AuditEntry[],
  ): TopicMessages[] {
    const alerts: Message[] = effects.decisions.map((decision) => ({
      key: decision.tokenFp,
      value: JSON.stringify(alertRecord(decision)),
    }));
    for (const alert of effects.guardAlerts ?? []) {
      alerts.push({ key: alert.tokenFp, value: JSON.stringify(guardAlertRecord(alert)) });
    }
    const out: TopicMessages[] = [];
    if (alerts.length) out.push({ topic: this.config.alertsTopic, messages: alerts });
    if (revocations.length) {
      const messages = revocations.map((r) => ({ key: r.tokenFp, value: r.body }));
      out.push({ topic: this.config.revocationsTopic, messages });
    }
    if (this.audit.topic !== null && audits.length) {
      const messages = audits.map(({ decision, record }) => ({
        key: decision.tokenFp,
        value: JSON.stringify(record),
      }));
      out.push({ topic: this.audit.topic, messages });
    }
    if (effects.rejects.length) {
      const messages = effects.rejects.map((reject) => ({
        value: JSON.stringify(deadLetterRecord(reject)),
      }));
      out.push({ topic: this.config.deadLetterTopic, messages });
    }
    return out;
  }

  /** The batch's audit records; none when neither an audit topic nor the audit log is on. */
  private auditRecords(decisions: readonly Decision[]): AuditEntry[] {
    if (this.audit.topic === null && !this.audit.log) return [];
    const context = {
      ...this.policy,
      targets: ["revocations_topic", ...(this.targets ? targetNames(this.targets) : [])],
    };
    return decisions.map((decision) => ({
      decision,
      record: decisionAuditRecord(decision, context),
    }));
  }

  private deadLetterMessages(letters: readonly DeliveryDeadLetter[]): TopicMessages {
    const topic = this.targets?.deadLetterTopic ?? this.config.deadLetterTopic;
    return {
      topic,
      messages: letters.map((letter) => ({
        key: letter.ids[0] ?? null,
        value: JSON.stringify(letter),
      })),
    };
  }

  private async send(topicMessages: TopicMessages[]): Promise<void> {
    if (topicMessages.length === 0) return;
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1 });
    } catch (err) {
      throw new DependencyError("OUTPUT_KAFKA_UNAVAILABLE", "publishing decisions failed", {
        cause: err,
      });
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
