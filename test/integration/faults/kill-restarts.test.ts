import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { createFaultSetup, type FaultSetup, faultServiceEnv } from "../../support/fault-setup.js";
import { KAFKA_BROKERS, produce, testKafka } from "../../support/kafka.js";
import { KnownStream } from "../../support/known-stream.js";
import { PrivateRedis } from "../../support/private-redis.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { tallyCounts, tallyRevocations, waitForCounts } from "../../support/tally.js";

/*
 * kill -9 the service again and again, each time soon after it started
 * applying a fresh slice of a stream of known events, then let one last
 * process finish: the per-token totals in Redis must equal
 * the stream, and each shared token must be revoked by exactly one decision.
 * Shared Kafka (unique topics and group), private Redis.
 */

const RESTARTS = 20;
const PARTITIONS = 6;
// Once a process has applied its first batch, it lives up to this much longer before its
// kill -9: short, so that many kills land while it still works through its backlog (a
// process drains its slice of the stream in well under 100 ms).
const MAX_LIFE_AFTER_WORK_MS = 40;
// A process that has not applied anything by then is killed anyway (and the test fails).
const WORK_TIMEOUT_MS = 30_000;

let kafka: Kafka;
let redis: PrivateRedis;
let client: Redis;
let setup: FaultSetup;
const live: ServiceProcess[] = [];

const stream = new KnownStream({
  tokens: 48,
  eventsPerToken: 75,
  partitions: PARTITIONS,
  sharedEvery: 6,
});

before(async () => {
  kafka = testKafka();
  redis = await PrivateRedis.start();
  client = redis.client();
  setup = await createFaultSetup(kafka, {
    name: "kill",
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

test("twenty kill -9 restarts while applying events lose none and count none twice", async () => {
  // One slice of the stream arrives before each process starts, so each has a backlog.
  const slices = stream.slices(RESTARTS + 1);
  let produced = 0;
  let restarts = 0;
  let killedAfterWork = 0;
  let killedMidBacklog = 0;
  for (; restarts < RESTARTS; restarts++) {
    const slice = slices[restarts] ?? [];
    await produce(kafka, setup.topics.logs, slice);
    produced += slice.length;
    const counted = (await tallyCounts(client, setup.keyPrefix, stream)).counted;
    const service = startService(["run"], faultServiceEnv(setup));
    live.push(service);
    if (await appliesMoreThan(counted)) killedAfterWork++;
    await sleep(Math.random() * MAX_LIFE_AFTER_WORK_MS);
    await service.stop("SIGKILL");
    live.pop();
    const countedAtKill = (await tallyCounts(client, setup.keyPrefix, stream)).counted;
    if (countedAtKill < produced) killedMidBacklog++;
  }
  await produce(kafka, setup.topics.logs, slices[RESTARTS] ?? []);

  const last = startService(["run"], faultServiceEnv(setup));
  live.push(last);
  const counts = await waitForCounts(client, setup.keyPrefix, stream, 120_000);
  const revocations = await tallyRevocations(kafka, setup.topics.revocations, stream, 30_000);
  assert.equal(await last.stop("SIGTERM"), 0, "the last process exits cleanly");
  live.pop();

  console.log(
    `kill -9 restarts: restarts=${restarts} killed-after-work=${killedAfterWork} ` +
      `killed-mid-backlog=${killedMidBacklog} ` +
      `events=${counts.expected} counted=${counts.counted} lost=${counts.lost} ` +
      `duplicated=${counts.duplicated} revoked=${revocations.revoked}/${revocations.expected} ` +
      `duplicate-revocations=${revocations.duplicateRevocations} ` +
      `republished=${revocations.republished}`,
  );
  assert.equal(restarts, RESTARTS);
  assert.equal(killedAfterWork, RESTARTS, "every process applied events before its kill");
  assert.ok(killedMidBacklog >= RESTARTS / 4, "kills land while events wait to be applied");
  assert.equal(counts.lost, 0, "no event lost");
  assert.equal(counts.duplicated, 0, "no event counted twice");
  assert.equal(counts.counted, stream.size);
  assert.equal(revocations.missing, 0, "every shared token is revoked");
  assert.equal(revocations.duplicateRevocations, 0, "no token is revoked twice");
});

/** Whether the state counts more than `counted` events within the work timeout. */
async function appliesMoreThan(counted: number): Promise<boolean> {
  const deadline = Date.now() + WORK_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await tallyCounts(client, setup.keyPrefix, stream)).counted > counted) return true;
    await sleep(20);
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
