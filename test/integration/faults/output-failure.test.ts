import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import kafkajs, { type Kafka } from "kafkajs";
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
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { tallyCounts, tallyRevocations, waitForCounts } from "../../support/tally.js";

/*
 * The revocations topic refuses every record (its max.message.bytes is
 * smaller than a revocation event) after the state was applied and the
 * revocation claimed. The decision must wait, not vanish: the batch stays
 * uncommitted and is retried until the topic accepts it, then every shared
 * token is revoked exactly once and every event counted once.
 * Shared Kafka (unique topics and group), private Redis.
 */

// kafkajs is CommonJS; Node finds this export only on the default import.
const { ConfigResourceTypes } = kafkajs;
const PARTITIONS = 3;
const REFUSING_LIMIT = "200";
const PAUSED_METRIC = 'tokenwatch_consumption_paused{code="OUTPUT_KAFKA_UNAVAILABLE"} 1';
// Retries keep failing for this long before the topic is fixed.
const FAILING_MS = 15_000;

let kafka: Kafka;
let redis: PrivateRedis;
let client: Redis;
let setup: FaultSetup;
let service: ServiceProcess | null = null;
let httpPort: number;

const stream = new KnownStream({
  tokens: 12,
  eventsPerToken: 60,
  partitions: PARTITIONS,
  sharedEvery: 3,
});

before(async () => {
  kafka = testKafka();
  redis = await PrivateRedis.start();
  client = redis.client();
  httpPort = await freePort();
  setup = await createFaultSetup(kafka, {
    name: "outputfail",
    brokers: KAFKA_BROKERS,
    redisUrl: redis.url,
    partitions: PARTITIONS,
  });
  await setRevocationLimit(REFUSING_LIMIT);
});

after(async () => {
  await service?.stop("SIGKILL");
  client?.disconnect();
  await redis?.kill();
});

test("a revocation the topic refuses is retried until delivered, never dropped", async () => {
  service = startService(
    ["run"],
    faultServiceEnv(setup, { TOKENWATCH_SERVER_PORT: String(httpPort) }),
  );
  await service.waitFor('"msg":"consuming"', 30_000);
  await produce(kafka, setup.topics.logs, stream.slices(1)[0] ?? []);

  await waitUntil(
    async () => (await httpGet(httpPort, "/metrics"))?.body.includes(PAUSED_METRIC) ?? false,
    30_000,
    "publishing never failed",
  );
  const readyz = await httpGet(httpPort, "/readyz");
  const pendingClaims = await pendingRevocationClaims();
  const committedEarly = await committedTotal(kafka, setup.groupId, setup.topics.logs);
  await new Promise((resolve) => setTimeout(resolve, FAILING_MS));
  const committedLate = await committedTotal(kafka, setup.groupId, setup.topics.logs);
  const countedWhileFailing = (await tallyCounts(client, setup.keyPrefix, stream)).counted;
  const reappliedWhileFailing = metricValue(
    (await httpGet(httpPort, "/metrics"))?.body ?? "",
    "tokenwatch_events_duplicate_total",
  );

  await setRevocationLimit("1048576");
  const counts = await waitForCounts(client, setup.keyPrefix, stream, 60_000);
  const revocations = await tallyRevocations(kafka, setup.topics.revocations, stream, 30_000);
  assert.equal(await service.stop("SIGTERM"), 0);
  service = null;

  console.log(
    `output failure: failing-seconds=${FAILING_MS / 1000} pending-claims=${pendingClaims} ` +
      `counted-while-failing=${countedWhileFailing} ` +
      `reapplied-while-failing=${reappliedWhileFailing} events=${counts.expected} ` +
      `counted=${counts.counted} lost=${counts.lost} duplicated=${counts.duplicated} ` +
      `revoked=${revocations.revoked}/${revocations.expected} ` +
      `duplicate-revocations=${revocations.duplicateRevocations} ` +
      `republished=${revocations.republished}`,
  );
  assert.equal(readyz?.status, 503);
  assert.match(String(readyz?.body), /OUTPUT_KAFKA_UNAVAILABLE/);
  assert.ok(pendingClaims >= 1, "the failing batch had already claimed a revocation");
  assert.equal(committedLate, committedEarly, "the failing batch is not committed");
  // Only the delivery is retried: re-running the batch would re-derive its
  // decisions from state that already holds its events.
  assert.equal(reappliedWhileFailing, 0, "the batch is not re-run while publishing fails");
  assert.ok(committedLate < stream.size);
  assert.equal(counts.lost, 0, "no event lost");
  assert.equal(counts.duplicated, 0, "no event counted twice");
  assert.equal(revocations.missing, 0, "no revocation lost");
  assert.equal(revocations.duplicateRevocations, 0, "no token is revoked twice");
});

/** A counter's value from a Prometheus text page; null when it is absent. */
function metricValue(page: string, name: string): number | null {
  const value = new RegExp(`^${name} (\\d+)`, "m").exec(page)?.[1];
  return value === undefined ? null : Number(value);
}

/** Set the revocations topic's `max.message.bytes`. */
async function setRevocationLimit(bytes: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: setup.topics.revocations,
          configEntries: [{ name: "max.message.bytes", value: bytes }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Revocation claims of the stream's shared tokens not yet marked delivered. */
async function pendingRevocationClaims(): Promise<number> {
  let pending = 0;
  for (const fp of stream.revokedTokens) {
    const claim = await client.get(`${setup.keyPrefix}{${fp}}:r`);
    if (claim !== null && !claim.endsWith(":done")) pending++;
  }
  return pending;
}
