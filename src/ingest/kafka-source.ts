import { AsyncLocalStorage } from "node:async_hooks";
import { type Consumer, type EachBatchPayload, type Kafka, logLevel } from "kafkajs";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { DependencyError, TokenwatchError } from "../errors.js";
import type { Metrics } from "../observe/metrics.js";
import type { InputMessage, Pipeline } from "../pipeline/pipeline.js";

/** Retry delays while a dependency (Redis, an output topic) is down, in ms. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * Heartbeats per session timeout. kafkajs only heartbeats between batches, so
 * a batch that waits on Redis or on an output heartbeats itself this often,
 * or the group would hand its partitions to another member mid-attempt.
 */
const HEARTBEATS_PER_SESSION = 6;

/** How long start-up waits for input topics that do not exist yet, and how often it looks. */
const TOPIC_WAIT_MS = 30_000;
const TOPIC_RETRY_MS = 1_000;
/** kafkajs error types of a topic that is missing or still being created. */
const TOPIC_PENDING = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE"]);

/**
 * Partitions whose batches run at the same time. One batch at a time leaves
 * the process idle while Redis runs the batch's scripts and Redis idle while
 * the process decodes and detects; with a few in flight the two overlap.
 * Batches of one partition still run one after another, in offset order,
 * which is all the state's idempotency (offsets per partition) relies on.
 */
const PARTITIONS_CONCURRENTLY = 3;

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
  private readonly stopped: Promise<void>;
  private wakeOnStop: () => void = () => {};
  private readonly heartbeatMs: number;
  /** The batch whose pipeline call is running, for `deliverWithRetry` (several run at once). */
  private readonly current = new AsyncLocalStorage<EachBatchPayload>();

  constructor(
    kafka: Kafka,
    private readonly config: Config["kafka"],
    private readonly pipeline: Pipeline,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.heartbeatMs = Math.floor(config.sessionTimeoutMs / HEARTBEATS_PER_SESSION);
    this.consumer = kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: this.heartbeatMs,
      allowAutoTopicCreation: true,
    });
    this.stopped = new Promise((resolve) => {
      this.wakeOnStop = resolve;
    });
    // kafkajs restarts the consumer after retriable failures by itself; after
    // any other it stays down, which only a restart of the process mends.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping) return;
      this.lastError = `KAFKA_CONSUMER_CRASHED: ${payload.error.message}`;
      this.log.error({ err: payload.error }, "consumer stopped after an error; stopping");
      this.onFatal(payload.error);
    });
  }

  /**
   * Called once the consumer is down for good (a crash kafkajs will not
   * restart from). The service stops on it, so that the process exits and
   * its supervisor starts a fresh one.
   */
  onFatal: (error: Error) => void = () => {};

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.subscribe();
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.log.info({ topics: this.config.topics, groupId: this.config.groupId }, "consuming");
  }

  /**
   * Subscribe, giving a topic the broker is still creating (auto-creation on
   * first use, as on a fresh `docker compose up`) time to get its leaders.
   * A topic that never appears is a configuration error: say which and how.
   */
  private async subscribe(): Promise<void> {
    const deadline = Date.now() + TOPIC_WAIT_MS;
    for (;;) {
      try {
        await this.consumer.subscribe({
          topics: [...this.config.topics],
          fromBeginning: this.config.fromBeginning,
        });
        return;
      } catch (err) {
        const type = (err as { type?: string }).type ?? "";
        if (!TOPIC_PENDING.has(type)) throw err;
        if (Date.now() >= deadline) {
          throw new DependencyError(
            "KAFKA_TOPIC_MISSING",
            `kafka topic(s) ${this.config.topics.join(", ")} not found after ` +
              `${TOPIC_WAIT_MS / 1000} s; create them or check kafka.topics`,
            { cause: err },
          );
        }
        this.log.warn({ topics: this.config.topics, type }, "waiting for the input topics");
        await new Promise((resolve) => setTimeout(resolve, TOPIC_RETRY_MS));
      }
    }
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
    this.wakeOnStop();
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

    const done = await this.current.run(payload, () => this.processWithRetry(messages, payload));
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
    const { topic, partition } = payload.batch;
    let delay = RETRY_MIN_MS;
    for (;;) {
      if (this.stopping || !payload.isRunning() || payload.isStale()) return false;
      const timer = this.metrics.processingSeconds.startTimer();
      try {
        const result = await this.withHeartbeats(payload, () =>
          this.pipeline.processBatch(messages),
        );
        timer();
        if (result.newestTs !== null) {
          this.metrics.eventLagSeconds.set((Date.now() - result.newestTs) / 1000);
        }
        if (this.lastError) this.log.info({ topic, partition }, "processing resumed");
        this.lastError = null;
        this.metrics.consumptionPaused.reset();
        return true;
      } catch (err) {
        if (!isRetriable(err)) throw err;
        this.recordRetry(err, payload, delay, "batch failed; retrying without committing");
        await this.withHeartbeats(payload, () => this.pause(delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /**
   * Deliver the current batch's effects, retrying in place while the outputs
   * fail and the batch is still this consumer's.
   *
   * Retrying the delivery alone, rather than the whole batch, keeps the
   * decisions as they were computed from the windows at first application: a
   * re-run sees the state after its own events (they count as duplicates) and
   * a detector that looks for something new — a first network, a first
   * country — would not fire again, so the decision would be lost.
   */
  async deliverWithRetry(deliver: () => Promise<void>): Promise<void> {
    const payload = this.current.getStore();
    let delay = RETRY_MIN_MS;
    for (;;) {
      try {
        await deliver();
        return;
      } catch (err) {
        const abandoned = !payload || this.stopping || !payload.isRunning() || payload.isStale();
        if (!isRetriable(err) || abandoned) throw err;
        this.recordRetry(err, payload, delay, "delivery failed; retrying without committing");
        await this.pause(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Say why consumption waits: readiness reason, metrics and a warning. */
  private recordRetry(err: unknown, payload: EachBatchPayload, delay: number, msg: string): void {
    const { topic, partition } = payload.batch;
    const code = errorCode(err);
    this.lastError = `${code}: ${err instanceof Error ? err.message : String(err)}`;
    this.metrics.batchRetries.inc({ code });
    this.metrics.consumptionPaused.reset();
    this.metrics.consumptionPaused.set({ code }, 1);
    this.log.warn({ err, code, topic, partition, delay }, msg);
  }

  /**
   * Keep the group membership alive while `work` runs: a batch stuck on a
   * slow or absent dependency must not look like a dead consumer, or its
   * partitions would move to another member while this one still works on them.
   */
  private async withHeartbeats<T>(payload: EachBatchPayload, work: () => Promise<T>): Promise<T> {
    const beat = setInterval(() => {
      // A failed heartbeat means a rebalance; isStale() ends the retry loop.
      payload.heartbeat().catch(() => undefined);
    }, this.heartbeatMs);
    try {
      return await work();
    } finally {
      clearInterval(beat);
    }
  }

  /** Wait before the next attempt; `stop()` cuts the wait short. */
  private pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    return Promise.race([elapsed, this.stopped]).finally(() => clearTimeout(timer));
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

/** The error's stable code (a closed set, so it may be a metric label), else `UNKNOWN`. */
function errorCode(err: unknown): string {
  if (err instanceof TokenwatchError) return err.code;
  return "UNKNOWN";
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
