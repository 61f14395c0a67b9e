import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Cluster } from "ioredis";
import type { Kafka } from "kafkajs";
import { createFaultSetup, type FaultSetup, faultServiceEnv } from "../../support/fault-setup.js";
import { KAFKA_BROKERS, readTopic, testKafka } from "../../support/kafka.js";
import { KnownStream, produceGradually } from "../../support/known-stream.js";
import { LocalCluster } from "../../support/local-cluster.js";
import { deleteKeys, scanKeys } from "../../support/secrets.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { tallyRevocations, waitForCounts } from "../../support/tally.js";

/*
 * `tokenwatch run` as a separate process against the real broker and a
 * Redis Cluster of three masters started for this file. Two of eight tokens
 * turn shared half-way through; the others stay on one network. Then we
 * look at what the service published and where its keys landed.
 */

const PARTITIONS = 3;
const stream = new KnownStream({
  tokens: 8,
  eventsPerToken: 30,
  partitions: PARTITIONS,
  sharedEvery: 4,
});

let kafka: Kafka;
let cluster: LocalCluster;
let client: Cluster;
let setup: FaultSetup;
let service: ServiceProcess | null = null;

before(async () => {
  kafka = testKafka();
  cluster = await LocalCluster.start();
  client = await cluster.client();
  setup = await createFaultSetup(kafka, {
    name: "cluster",
    brokers: KAFKA_BROKERS,
    redisUrl: "redis://127.0.0.1:1",
    partitions: PARTITIONS,
  });
});

after(async () => {
  await service?.stop("SIGKILL");
  if (client) await deleteKeys(client, setup.keyPrefix).catch(() => 0);
  client?.disconnect();
  await cluster?.kill();
});

test("on a Redis Cluster each shared token is revoked once and the steady ones never", async () => {
  service = startService(
    ["run"],
    faultServiceEnv(setup, {
      // redis.url points nowhere: the cluster nodes must be what the service uses.
      TOKENWATCH_REDIS_CLUSTER_NODES: cluster.nodes.join(","),
      TOKENWATCH_REVOCATIONS_DENYLIST_PREFIX: `${setup.keyPrefix}deny:`,
    }),
  );
  await service.waitFor('"msg":"consuming"', 30_000);
  await produceGradually(kafka, setup.topics.logs, stream, 3, 1_500);

  const counts = await waitForCounts(client, setup.keyPrefix, stream, 60_000);
  const revocations = await tallyRevocations(kafka, setup.topics.revocations, stream, 30_000);
  const alerts = await readTopic(kafka, setup.topics.alerts, { timeoutMs: 3_000 });
  assert.equal(await service.stop("SIGTERM"), 0, "the service exits cleanly on SIGTERM");

  assert.deepEqual(counts, { expected: stream.size, counted: stream.size, lost: 0, duplicated: 0 });
  assert.equal(revocations.expected, 2);
  assert.equal(revocations.revoked, 2, "both shared tokens are revoked");
  assert.equal(revocations.missing, 0);
  assert.equal(revocations.duplicateRevocations, 0, "no token is revoked twice");
  const steady = [...stream.expectedCounts.keys()].filter((fp) => !stream.revokedTokens.has(fp));
  assert.equal(steady.length, 6);
  assert.deepEqual(
    alerts.filter((record) => steady.includes(record.key ?? "")),
    [],
    "no steady token raised an alert",
  );
  for (const fp of stream.revokedTokens) {
    const entry = await client.get(`${setup.keyPrefix}deny:${fp}`);
    assert.ok(entry?.includes('"ruleId"'), "the denylist entry is on the cluster");
  }
});

test("a token's keys share one slot and the tokens spread over several masters", async () => {
  const keys = await scanKeys(client, setup.keyPrefix);
  const slotsByToken = new Map<string, Set<number>>();
  for (const key of keys) {
    const tag = /^[^{]*\{([^}]*)\}/.exec(key)?.[1];
    if (!tag || !stream.expectedCounts.has(tag)) continue;
    const slot = Number(await client.cluster("KEYSLOT", key));
    slotsByToken.set(tag, (slotsByToken.get(tag) ?? new Set()).add(slot));
  }

  assert.equal(slotsByToken.size, stream.expectedCounts.size, "every token has keys");
  for (const [fp, slots] of slotsByToken) {
    assert.equal(slots.size, 1, `the keys of ${fp} are in ${slots.size} slots`);
  }
  const masters = new Set(
    [...slotsByToken.values()].map((slots) => client.slots[[...slots][0] ?? 0]?.[0]),
  );
  assert.ok(masters.size > 1, `the tokens' keys sit on ${masters.size} master(s)`);
});
