import { type Consumer, type EachBatchPayload, type Kafka, logLevel } from "kafkajs";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Metrics } from "../observe/metrics.js";
import type { InputMessage, Pipeline } from "../pipeline/pipeline.js";

/** Retry delays while a dependency (Redis, an output topic) is down, in ms. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * The Kafka side of `tokenwatch run`: a consumer group member that feeds each
 * fetched batch through the pipeline and commits the batch's offsets only
 * after the pipeline resolved, i.e. after state was written and the outputs
 * acknowledged every alert, revocation and dead letter of the batch.
 *
 * Delivery is at-least-once: a crash between the effects and the commit
 * redelivers the batch, which the store recognizes by offset and which the
 * revocation claim turns into a republish of the same decision, not a new one.
 */
export class KafkaSource {
  private readonly consumer: Consumer;
  private stopping = false;
  private lastError: string | null = null;

  constructor(
    kafka: Kafka,
    private readonly config: Config["kafka"],
    private readonly pipeline: Pipeline,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: config.groupId,
      // A batch may wait on Redis; the session must outlive one retry step.
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: true,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.config.topics],
      fromBeginning: this.config.fromBeginning,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.log.info({ topics: this.config.topics, groupId: this.config.groupId }, "consuming");
  }

  /** Null when the last batch went through; otherwise why it is being retried. */
  health(): string | null {
    return this.lastError;
  }

  /**
   * Stop consuming. A batch in progress finishes its current attempt; a batch
   * waiting to retry is abandoned without committing, so it is redelivered.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;

    const messages: InputMessage[] = batch.messages.map((message) => ({
      value: message.value,
      stream: batch.topic,
      partition: batch.partition,
      offset: Number(message.offset),
    }));
    const lastOffset = batch.lastOffset();

    const done = await this.processWithRetry(messages, payload);
    if (!done) return;

    payload.resolveOffset(lastOffset);
    await this.consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: nextOffset(lastOffset) },
    ]);
    const lag = Number(batch.highWatermark) - Number(lastOffset) - 1;
    this.metrics.consumerLag.set(Math.max(0, lag));
  }

  /**
   * Run the batch until it succeeds, the error is not retriable, or the
   * consumer is stopping. Waiting here is the backpressure: nothing more is
   * fetched for this partition while its batch cannot be applied.
   */
  private async processWithRetry(
    messages: InputMessage[],
    payload: EachBatchPayload,
  ): Promise<boolean> {
    let delay = RETRY_MIN_MS;
    for (;;) {
      if (this.stopping || !payload.isRunning() || payload.isStale()) return false;
      const timer = this.metrics.processingSeconds.startTimer();
      try {
        const result = await this.pipeline.processBatch(messages);
        timer();
        if (result.newestTs !== null) {
          this.metrics.eventLagSeconds.set((Date.now() - result.newestTs) / 1000);
        }
        if (this.lastError) this.log.info("processing resumed");
        this.lastError = null;
        return true;
      } catch (err) {
        if (!isRetriable(err)) throw err;
        this.lastError = err instanceof Error ? err.message : String(err);
        this.log.warn(
          { err, topic: payload.batch.topic, partition: payload.batch.partition, delay },
          "batch failed; retrying without committing",
        );
        await sleep(delay);
        await payload.heartbeat().catch(() => undefined);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }
}

/** Kafka commits the offset of the next message to read, not the last one read. */
function nextOffset(lastOffset: string): string {
  return (BigInt(lastOffset) + 1n).toString();
}

function isRetriable(err: unknown): boolean {
  if (typeof err === "object" && err !== null && "retriable" in err) {
    return (err as { retriable: unknown }).retriable === true;
  }
  // Connection-level failures from ioredis and kafkajs surface as plain errors.
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Map kafkajs' own log levels onto the service logger (kafkajs is chatty at info). */
export function kafkaLogCreator(log: Logger) {
  return () =>
    ({ level, log: entry }: { level: logLevel; log: { message: string } & object }) => {
      const { message, ...fields } = entry;
      if (level === logLevel.ERROR) log.warn(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else log.debug(fields, message);
    };
}
