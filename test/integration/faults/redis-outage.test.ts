import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { committedTotal } from "../../support/consumer-offsets.js";
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
import { residentMiB } from "../../support/process-memory.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { tallyRevocations, waitForCounts } from "../../support/tally.js";

/*
 * Redis goes away for a minute while events keep arriving. The service must
 * stop committing, say why on /readyz, in a metric and in a warning, hold its
 * memory, and pick up by itself when Redis is back, counting every event once.
 * Shared Kafka (unique topics and group), private Redis.
 */

const OUTAGE_MS = 60_000;
const PARTITIONS = 4;
// Memory a minute of retrying may add; unbounded buffering of a stream grows far past it.
const MAX_GROWTH_MIB = 40;
const PAUSED_METRIC = 'tokenwatch_consumption_paused{code="STATE_REDIS_UNAVAILABLE"} 1';

let kafka: Kafka;
let redis: PrivateRedis;
let client: Redis;
let setup: FaultSetup;
let service: ServiceProcess | null = null;
let httpPort: number;

const stream = new KnownStream({
  tokens: 24,
  eventsPerToken: 60,
  partitions: PARTITIONS,
  sharedEvery: 4,
});
const [beforeOutage = [], duringOutage = [], afterOutage = []] = stream.slices(3);

before(async () => {
  kafka = testKafka();
  redis = await PrivateRedis.start();
  client = redis.client();
  httpPort = await freePort();
  setup = await createFaultSetup(kafka, {
    name: "redisdown",
    brokers: KAFKA_BROKERS,
    redisUrl: redis.url,
    partitions: PARTITIONS,
  });
});

after(async () => {
  await service?.stop("SIGKILL");
  client?.disconnect();
  await redis?.kill();
});

test("a minute without Redis pauses consumption, reports why, and loses nothing", async () => {
  service = startService(
    ["run"],
    faultServiceEnv(setup, { TOKENWATCH_SERVER_PORT: String(httpPort) }),
  );
  await service.waitFor('"msg":"consuming"', 30_000);
  await produce(kafka, setup.topics.logs, beforeOutage);
  const first = await waitForCounts(client, setup.keyPrefix, stream, 60_000, beforeOutage.length);
  assert.equal(first.counted, beforeOutage.length, "the first third is applied before the outage");

  client.disconnect();
  const stoppedAt = Date.now();
  await redis.stop();
  await produce(kafka, setup.topics.logs, duringOutage);

  let readyz: { status: number; body: string } | null = null;
  await waitUntil(
    async () => {
      readyz = await httpGet(httpPort, "/readyz");
      return readyz?.status === 503;
    },
    20_000,
    "/readyz did not turn unready",
  );
  await waitUntil(
    async () => (await httpGet(httpPort, "/metrics"))?.body.includes(PAUSED_METRIC) ?? false,
    20_000,
    "the paused metric did not name Redis",
  );
  const committedEarly = await committedTotal(kafka, setup.groupId, setup.topics.logs);
  const rssEarly = residentMiB(service.child.pid);

  await sleepUntil(stoppedAt + OUTAGE_MS);
  const committedLate = await committedTotal(kafka, setup.groupId, setup.topics.logs);
  const rssLate = residentMiB(service.child.pid);
  const stillUnready = await httpGet(httpPort, "/readyz");
  await redis.start();
  const outageSeconds = (Date.now() - stoppedAt) / 1000;

  client = redis.client();
  await produce(kafka, setup.topics.logs, afterOutage);
  const counts = await waitForCounts(client, setup.keyPrefix, stream, 90_000);
  await waitUntil(
    async () => (await httpGet(httpPort, "/readyz"))?.status === 200,
    20_000,
    "/readyz did not turn ready again",
  );
  const revocations = await tallyRevocations(kafka, setup.topics.revocations, stream, 30_000);
  const output = service.output();
  assert.equal(await service.stop("SIGTERM"), 0);
  service = null;

  const growth = (rssLate ?? 0) - (rssEarly ?? 0);
  console.log(
    `redis outage: outage-seconds=${outageSeconds.toFixed(1)} events=${counts.expected} ` +
      `counted=${counts.counted} lost=${counts.lost} duplicated=${counts.duplicated} ` +
      `committed-during-outage=${committedLate - committedEarly} ` +
      `rss-mib=${rssEarly?.toFixed(1)}->${rssLate?.toFixed(1)} ` +
      `revoked=${revocations.revoked}/${revocations.expected} ` +
      `duplicate-revocations=${revocations.duplicateRevocations}`,
  );
  assert.ok(outageSeconds >= OUTAGE_MS / 1000);
  assert.match(String((readyz as { body: string } | null)?.body), /^not ready: redis is \w+/);
  assert.equal(stillUnready?.status, 503, "still unready at the end of the outage");
  assert.match(output, /"code":"STATE_REDIS_UNAVAILABLE".*"batch failed; retrying without/);
  assert.equal(committedLate, committedEarly, "no offset is committed while Redis is down");
  assert.ok(committedLate <= beforeOutage.length, "nothing applied after the outage began");
  assert.ok(rssEarly !== null && rssLate !== null);
  assert.ok(growth < MAX_GROWTH_MIB, `memory grew ${growth.toFixed(1)} MiB while Redis was down`);
  assert.equal(counts.lost, 0, "no event lost");
  assert.equal(counts.duplicated, 0, "no event counted twice");
  assert.equal(revocations.missing, 0);
  assert.equal(revocations.duplicateRevocations, 0);
});

async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
