import { randomUUID } from "node:crypto";
import { Kafka, logLevel, type Message } from "kafkajs";

/** The broker scripts/services.sh starts; override to point tests elsewhere. */
export const KAFKA_BROKERS = (process.env.TOKENWATCH_TEST_KAFKA ?? "127.0.0.1:9092").split(",");

export function testKafka(): Kafka {
  return new Kafka({
    clientId: "tokenwatch-test",
    brokers: KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 200 },
  });
}

/** A unique name per test run, so runs never see each other's topics or groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function produce(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumedRecord {
  readonly key: string | null;
  readonly value: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Read a topic from the beginning until `until` is satisfied by everything
 * read so far, or `timeoutMs` passes; returns what was read either way.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: { timeoutMs: number; until?: (records: ConsumedRecord[]) => boolean; settleMs?: number },
): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName("tw-test-reader"), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? "",
        partition,
        offset: message.offset,
      });
    },
  });

  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.until?.(records)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Give a late duplicate the chance to show up before we count.
  if (options.settleMs) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  await consumer.disconnect();
  return records;
}
