import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import {
  createFaultSetup,
  type FaultSetup,
  faultServiceEnv,
  httpGet,
} from "../../support/fault-setup.js";
import { freePort } from "../../support/free-port.js";
import { KAFKA_BROKERS, produce, testKafka } from "../../support/kafka.js";
import { KnownStream } from "../../support/known-stream.js";
import { PrivateRedis, waitUntil } from "../../support/private-redis.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { waitForCounts } from "../../support/tally.js";

/*
 * SIGTERM arrives while a batch is waiting for Redis. The service must not
 * wait out its retries: it gives the batch up uncommitted, leaves the group
 * and exits promptly; the next process applies that batch once.
 * Shared Kafka (unique topics and group), private Redis.
 */

const PARTITIONS = 2;
// Retry backoff reaches 10 s; an exit bounded by it would show above this.
const MAX_SHUTDOWN_MS = 5_000;
// Let the backoff grow before the signal.
const RETRYING_MS = 12_000;

let kafka: Kafka;
let redis: PrivateRedis;
let client: Redis;
let setup: FaultSetup;
let httpPort: number;
const live: ServiceProcess[] = [];

const stream = new KnownStream({
  tokens: 8,
  eventsPerToken: 40,
  partitions: PARTITIONS,
  sharedEvery: 4,
});
const [beforeOutage = [], duringOutage = []] = stream.slices(2);

before(async () => {
  kafka = testKafka();
  redis = await PrivateRedis.start();
  client = redis.client();
  httpPort = await freePort();
  setup = await createFaultSetup(kafka, {
    name: "shutdown",
    brokers: KAFKA_BROKERS,
    redisUrl: redis.url,
    partitions: PARTITIONS,
  });
});

after(async () => {
  for (const service of live) await service.stop("SIGKILL");
  client?.disconnect();
  await redis?.kill();
});

test("SIGTERM while Redis is down exits within five seconds and loses nothing", async () => {
  const env = faultServiceEnv(setup, { TOKENWATCH_SERVER_PORT: String(httpPort) });
  const first = startService(["run"], env);
  live.push(first);
  await first.waitFor('"msg":"consuming"', 30_000);
  await produce(kafka, setup.topics.logs, beforeOutage);
  await waitForCounts(client, setup.keyPrefix, stream, 30_000, beforeOutage.length);

  client.disconnect();
  await redis.stop();
  await produce(kafka, setup.topics.logs, duringOutage);
  await waitUntil(
    async () => (await httpGet(httpPort, "/readyz"))?.status === 503,
    20_000,
    "/readyz did not turn unready",
  );
  await new Promise((resolve) => setTimeout(resolve, RETRYING_MS));

  assert.match(first.output(), /"msg":"batch failed; retrying without committing"/);
  assert.equal(first.child.exitCode, null, "the service is still up, retrying");
  const signalledAt = Date.now();
  const exitCode = await first.stop("SIGTERM");
  const shutdownMs = Date.now() - signalledAt;

  await redis.start();
  client = redis.client();
  const second = startService(["run"], env);
  live.push(second);
  await second.waitFor('"msg":"consuming"', 30_000);
  const counts = await waitForCounts(client, setup.keyPrefix, stream, 60_000);
  assert.equal(await second.stop("SIGTERM"), 0);

  console.log(
    `shutdown while retrying: shutdown-ms=${shutdownMs} exit=${exitCode} ` +
      `events=${counts.expected} counted=${counts.counted} lost=${counts.lost} ` +
      `duplicated=${counts.duplicated}`,
  );
  assert.equal(exitCode, 0, "a clean exit, not the shutdown timeout");
  assert.ok(shutdownMs < MAX_SHUTDOWN_MS, `shutdown took ${shutdownMs} ms`);
  assert.equal(counts.lost, 0, "no event lost");
  assert.equal(counts.duplicated, 0, "no event counted twice");
});
