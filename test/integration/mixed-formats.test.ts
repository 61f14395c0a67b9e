import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import type { Kafka, Message } from "kafkajs";
import { FORMAT_NAMES } from "../../src/ingest/normalize.js";
import { PLANTERS } from "../ingest/planted-secrets.js";
import { createRng } from "../ingest/seeded-rng.js";
import { fixture } from "../ingest/support.js";
import {
  createTopics,
  KAFKA_BROKERS,
  produce,
  readTopic,
  testKafka,
  uniqueName,
} from "../support/kafka.js";
import { deleteKeys, dumpRedis, leakedSecrets } from "../support/secrets.js";
import { type ServiceProcess, startService } from "../support/service-process.js";

/*
 * A mixed stream into the real broker — every supported format with planted
 * secrets, batched and wrapped messages, and malformed input between them —
 * through `tokenwatch run` as its own process. We then count what it
 * accepted and set aside, read the dead-letter topic, and scan Redis, every
 * topic and the logs for the planted secrets.
 */

const MAX_MESSAGE_BYTES = 20_000;
const rng = createRng(7);
const secrets: string[] = [];

function planted(format: string): Record<string, unknown> {
  const planter = PLANTERS[format];
  assert.ok(planter, `a planter exists for ${format}`);
  const { record, secrets: planted } = planter(fixture(format), rng);
  secrets.push(...planted);
  return record;
}

const formats = [...FORMAT_NAMES];
const deepJson = `${"[".repeat(200)}${"]".repeat(200)}`;
const kongWithoutTime = { ...fixture("kong") };
delete kongWithoutTime.started_at;

/** The stream, in order, with what each message should become. */
const stream: { value: Buffer | string; accepted: number; rejected?: string }[] = [
  ...formats.map((format) => ({ value: JSON.stringify(planted(format)), accepted: 1 })),
  { value: "{not json", accepted: 0, rejected: "invalid_json" },
  // Two events in one message, as gateways batch them.
  { value: JSON.stringify([planted("kong"), planted("apisix")]), accepted: 2 },
  // A log shipper that wrapped the event in a JSON string.
  { value: JSON.stringify(JSON.stringify(planted("traefik"))), accepted: 1 },
  {
    value: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    accepted: 0,
    rejected: "invalid_utf8",
  },
  {
    value: JSON.stringify({ padding: "x".repeat(MAX_MESSAGE_BYTES) }),
    accepted: 0,
    rejected: "oversized",
  },
  { value: deepJson, accepted: 0, rejected: "too_deep" },
  { value: JSON.stringify({ hello: "world" }), accepted: 0, rejected: "unknown_format" },
  { value: "42", accepted: 0, rejected: "wrong_shape" },
  { value: JSON.stringify(kongWithoutTime), accepted: 0, rejected: "missing_time" },
  // A poison message in the middle must not stop what follows.
  { value: JSON.stringify(planted("envoy-istio")), accepted: 1 },
];
const expectedAccepted = stream.reduce((sum, item) => sum + item.accepted, 0);
const expectedRejected = stream.filter((item) => item.rejected).map((item) => item.rejected);

let kafka: Kafka;
let redis: Redis;
let service: ServiceProcess;
let metricsText = "";
const topics = {
  logs: uniqueName("tw-mix-logs"),
  alerts: uniqueName("tw-mix-alerts"),
  revocations: uniqueName("tw-mix-revocations"),
  deadLetter: uniqueName("tw-mix-dlq"),
};
const keyPrefix = `${uniqueName("twmix")}:`;
const port = 20_000 + Math.floor(Math.random() * 20_000);

async function scrapeMetrics(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

function metricValue(text: string, name: string, labels = ""): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{${labels}`) || line.startsWith(`${name} `)) {
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return total;
}

before(async () => {
  kafka = testKafka();
  redis = new Redis(process.env.TOKENWATCH_TEST_REDIS ?? "redis://127.0.0.1:6379");
  // One partition keeps the stream's order, so "the partition keeps moving" is observable.
  await createTopics(kafka, [topics.logs], 1);
  await createTopics(kafka, [topics.alerts, topics.revocations, topics.deadLetter]);
  const messages: Message[] = stream.map((item) => ({ value: item.value }));
  await produce(kafka, topics.logs, messages);

  service = startService(["run"], {
    TOKENWATCH_KAFKA_BROKERS: KAFKA_BROKERS.join(","),
    TOKENWATCH_KAFKA_TOPICS: topics.logs,
    TOKENWATCH_KAFKA_GROUP_ID: uniqueName("tw-mix-group"),
    TOKENWATCH_KAFKA_ALERTS_TOPIC: topics.alerts,
    TOKENWATCH_KAFKA_REVOCATIONS_TOPIC: topics.revocations,
    TOKENWATCH_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetter,
    TOKENWATCH_REDIS_KEY_PREFIX: keyPrefix,
    TOKENWATCH_FINGERPRINT_KEY: "mixed-formats-test-key-000000001",
    TOKENWATCH_INPUT_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
    TOKENWATCH_SERVER_PORT: String(port),
    TOKENWATCH_LOG_LEVEL: "debug",
  });
  await service.waitFor('"msg":"consuming"', 30_000);

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    metricsText = await scrapeMetrics();
    if (metricValue(metricsText, "tokenwatch_messages_total") >= stream.length) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
});

after(async () => {
  await service?.stop("SIGTERM");
  await deleteKeys(redis, keyPrefix);
  redis.disconnect();
});

test("every format is accepted and every malformed message is counted by its reason", () => {
  assert.equal(metricValue(metricsText, "tokenwatch_messages_total"), stream.length);
  assert.equal(metricValue(metricsText, "tokenwatch_events_total"), expectedAccepted);
  for (const format of formats) {
    assert.equal(
      metricValue(metricsText, "tokenwatch_events_total", `format="${format}"`) >= 1,
      true,
      `an event of format ${format} was accepted`,
    );
  }
  for (const reason of new Set(expectedRejected)) {
    const expected = expectedRejected.filter((r) => r === reason).length;
    const counted = metricValue(
      metricsText,
      "tokenwatch_events_rejected_total",
      `reason="${reason}"`,
    );
    assert.equal(counted, expected, `rejected as ${reason}`);
  }
});

test("each rejected message lands on the dead-letter topic with its reason and position", async () => {
  const records = await readTopic(kafka, topics.deadLetter, {
    timeoutMs: 20_000,
    until: (read) => read.length >= expectedRejected.length,
    settleMs: 500,
  });
  const letters = records.map((record) => JSON.parse(record.value));

  assert.deepEqual(letters.map((letter) => letter.reason).sort(), [...expectedRejected].sort());
  for (const letter of letters) {
    const offset = stream.findIndex((item) => item.rejected === letter.reason);
    assert.equal(letter.source.stream, topics.logs);
    assert.equal(letter.source.partition, 0);
    assert.equal(letter.source.offset, offset, `${letter.reason} names its offset`);
    assert.equal(typeof letter.message, "string");
  }
});

test("no planted secret reaches Redis, any topic or the logs", async () => {
  const topicText = await Promise.all(
    Object.values(topics)
      .filter((topic) => topic !== topics.logs)
      .map(async (topic) =>
        (await readTopic(kafka, topic, { timeoutMs: 3_000 }))
          .map((record) => `${record.key} ${record.value}`)
          .join("\n"),
      ),
  );
  const redisText = await dumpRedis(redis, keyPrefix);
  const everything = [redisText, ...topicText, service.output(), metricsText].join("\n");

  assert.ok(secrets.length >= formats.length, "secrets were planted in every format");
  assert.ok(redisText.length > 0, "the scan covers real state");
  assert.deepEqual(leakedSecrets(everything, secrets), []);
});
