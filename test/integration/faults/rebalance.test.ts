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
import { KAFKA_BROKERS, testKafka } from "../../support/kafka.js";
import { KnownStream, produceGradually } from "../../support/known-stream.js";
import { PrivateRedis, waitUntil } from "../../support/private-redis.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { tallyRevocations, waitForCounts } from "../../support/tally.js";

/*
 * A second process joins the group mid-stream, takes over some partitions,
 * and leaves again on SIGTERM: two rebalances while events arrive. Nothing
 * may be lost or counted twice, and no token revoked twice.
 * Shared Kafka (unique topics and group), private Redis.
 */

const PARTITIONS = 6;
const PRODUCE_MS = 30_000;
// How long the second process stays once it has read input.
const SECOND_STAYS_MS = 8_000;
// A clean leave: finish the running attempt, leave the group, close.
const MAX_SHUTDOWN_MS = 10_000;

let kafka: Kafka;
let redis: PrivateRedis;
let client: Redis;
let setup: FaultSetup;
const live: ServiceProcess[] = [];

const stream = new KnownStream({
  tokens: 36,
  eventsPerToken: 60,
  partitions: PARTITIONS,
  sharedEvery: 4,
});

before(async () => {
  kafka = testKafka();
  redis = await PrivateRedis.start();
  client = redis.client();
  setup = await createFaultSetup(kafka, {
    name: "rebalance",
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

test("a second process joining and leaving mid-stream loses and duplicates nothing", async () => {
  const first = startService(["run"], faultServiceEnv(setup));
  live.push(first);
  await first.waitFor('"msg":"consuming"', 30_000);
  const producing = produceGradually(kafka, setup.topics.logs, stream, 30, PRODUCE_MS);
  await waitForCounts(client, setup.keyPrefix, stream, 30_000, 1);

  const secondPort = await freePort();
  const second = startService(
    ["run"],
    faultServiceEnv(setup, { TOKENWATCH_SERVER_PORT: String(secondPort) }),
  );
  live.push(second);
  let secondRead = 0;
  await waitUntil(
    async () => {
      secondRead = messagesRead((await httpGet(secondPort, "/metrics"))?.body ?? "");
      return secondRead > 0;
    },
    30_000,
    "the second process never got a partition",
  );
  await new Promise((resolve) => setTimeout(resolve, SECOND_STAYS_MS));
  const leaveStarted = Date.now();
  const secondExit = await second.stop("SIGTERM");
  const shutdownMs = Date.now() - leaveStarted;

  await producing;
  const counts = await waitForCounts(client, setup.keyPrefix, stream, 90_000);
  const revocations = await tallyRevocations(kafka, setup.topics.revocations, stream, 30_000);
  assert.equal(await first.stop("SIGTERM"), 0);

  console.log(
    `rebalance: events=${counts.expected} counted=${counts.counted} lost=${counts.lost} ` +
      `duplicated=${counts.duplicated} second-process-read>=${secondRead} ` +
      `second-shutdown-ms=${shutdownMs} revoked=${revocations.revoked}/${revocations.expected} ` +
      `duplicate-revocations=${revocations.duplicateRevocations} ` +
      `republished=${revocations.republished}`,
  );
  assert.equal(secondExit, 0, "the leaving process exits cleanly");
  assert.ok(shutdownMs < MAX_SHUTDOWN_MS, `leaving took ${shutdownMs} ms`);
  assert.equal(counts.lost, 0, "no event lost");
  assert.equal(counts.duplicated, 0, "no event counted twice");
  assert.equal(revocations.missing, 0, "every shared token is revoked");
  assert.equal(revocations.duplicateRevocations, 0, "no token is revoked twice");
});

/** `tokenwatch_messages_total` from a Prometheus text page (0 when absent). */
function messagesRead(page: string): number {
  return Number(/^tokenwatch_messages_total (\d+)/m.exec(page)?.[1] ?? 0);
}
