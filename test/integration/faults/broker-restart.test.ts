import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { createFaultSetup, type FaultSetup, faultServiceEnv } from "../../support/fault-setup.js";
import { produce } from "../../support/kafka.js";
import { KnownStream } from "../../support/known-stream.js";
import { PrivateKafka } from "../../support/private-kafka.js";
import { PrivateRedis } from "../../support/private-redis.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { tallyRevocations, waitForCounts } from "../../support/tally.js";

/*
 * The broker restarts under a running service: input, group coordinator and
 * outputs all vanish at once and come back. The service must carry on by
 * itself, counting every event once and revoking each shared token once.
 * Private broker (stopped and started by this test) and private Redis.
 */

const PARTITIONS = 4;
// Long enough for every client of the service to notice the broker is gone.
const DOWN_MS = 10_000;

let broker: PrivateKafka;
let kafka: Kafka;
let redis: PrivateRedis;
let client: Redis;
let setup: FaultSetup;
let service: ServiceProcess | null = null;

const stream = new KnownStream({
  tokens: 24,
  eventsPerToken: 60,
  partitions: PARTITIONS,
  sharedEvery: 4,
});
const [beforeRestart = [], afterRestart = []] = stream.slices(2);

before(async () => {
  broker = await PrivateKafka.start();
  kafka = broker.client();
  redis = await PrivateRedis.start();
  client = redis.client();
  setup = await createFaultSetup(kafka, {
    name: "brokerrestart",
    brokers: [broker.broker],
    redisUrl: redis.url,
    partitions: PARTITIONS,
  });
});

after(async () => {
  await service?.stop("SIGKILL");
  client?.disconnect();
  await redis?.kill();
  await broker?.remove();
});

test("a broker restart under a running service loses no event and counts none twice", async () => {
  service = startService(["run"], faultServiceEnv(setup));
  await service.waitFor('"msg":"consuming"', 30_000);
  await produce(kafka, setup.topics.logs, beforeRestart);
  await waitForCounts(client, setup.keyPrefix, stream, 30_000, 1);

  const stoppedAt = Date.now();
  await broker.stop();
  await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
  await broker.start();
  const downSeconds = (Date.now() - stoppedAt) / 1000;

  await produce(kafka, setup.topics.logs, afterRestart);
  const counts = await waitForCounts(client, setup.keyPrefix, stream, 120_000);
  const revocations = await tallyRevocations(kafka, setup.topics.revocations, stream, 30_000);
  const stillRunning = service.child.exitCode === null;
  assert.equal(await service.stop("SIGTERM"), 0);
  service = null;

  console.log(
    `broker restart: down-seconds=${downSeconds.toFixed(1)} events=${counts.expected} ` +
      `counted=${counts.counted} lost=${counts.lost} duplicated=${counts.duplicated} ` +
      `revoked=${revocations.revoked}/${revocations.expected} ` +
      `duplicate-revocations=${revocations.duplicateRevocations} ` +
      `republished=${revocations.republished}`,
  );
  assert.ok(stillRunning, "the service rode out the restart without exiting");
  assert.equal(counts.lost, 0, "no event lost");
  assert.equal(counts.duplicated, 0, "no event counted twice");
  assert.equal(revocations.missing, 0, "every shared token is revoked");
  assert.equal(revocations.duplicateRevocations, 0, "no token is revoked twice");
});
