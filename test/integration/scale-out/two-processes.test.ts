import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Cluster } from "ioredis";
import { AssignerProtocol, type Kafka } from "kafkajs";
import {
  createFaultSetup,
  type FaultSetup,
  faultServiceEnv,
  httpGet,
} from "../../support/fault-setup.js";
import { freePort } from "../../support/free-port.js";
import { KAFKA_BROKERS, readTopic, testKafka } from "../../support/kafka.js";
import { KnownStream, produceGradually } from "../../support/known-stream.js";
import { LocalCluster } from "../../support/local-cluster.js";
import { waitUntil } from "../../support/private-redis.js";
import { deleteKeys } from "../../support/secrets.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { storedTotal, tallyCounts, waitForCounts } from "../../support/tally.js";

/*
 * Scale-out: the same known stream processed once by one `tokenwatch run`
 * and once by two in one consumer group (fresh topics, group and key prefix
 * each time, state on a local Redis Cluster) must give the same decisions
 * and the same per-token counts. Each token's events sit in one partition,
 * so both runs see every token's events in the same order.
 */

const PARTITIONS = 4;
const stream = new KnownStream({
  tokens: 24,
  eventsPerToken: 30,
  partitions: PARTITIONS,
  sharedEvery: 6,
});

let kafka: Kafka;
let cluster: LocalCluster;
let client: Cluster;
const prefixes: string[] = [];
const live: ServiceProcess[] = [];

/** What a run leaves behind, to compare between runs. */
interface RunResult {
  /** `token rule action` of every distinct decision, sorted. */
  readonly decisions: string[];
  /** Requests counted per token fingerprint. */
  readonly counts: Map<string, number>;
  /** `tokenwatch_messages_total` of each process. */
  readonly messagesRead: number[];
}

before(async () => {
  kafka = testKafka();
  cluster = await LocalCluster.start();
  client = await cluster.client();
});

after(async () => {
  for (const service of live) await service.stop("SIGKILL");
  for (const prefix of prefixes) await deleteKeys(client, prefix).catch(() => 0);
  client?.disconnect();
  await cluster?.kill();
});

test("two processes in one group split the partitions and decide as one process does", async () => {
  const single = await runWith(1);
  const scaled = await runWith(2);

  console.log(
    `scale-out: decisions one=${single.decisions.length} two=${scaled.decisions.length} ` +
      `messages-read one=${single.messagesRead.join("/")} two=${scaled.messagesRead.join("/")}`,
  );
  assert.ok(
    scaled.messagesRead.every((read) => read > 0),
    `both processes read input (${scaled.messagesRead.join(", ")})`,
  );
  assert.deepEqual(
    [...single.counts.values()],
    [...stream.expectedCounts.values()],
    "one process counts every event once",
  );
  assert.deepEqual(scaled.counts, single.counts, "two processes count the same per token");
  const revoked = single.decisions.filter((line) => line.endsWith(" revoke"));
  assert.deepEqual(
    revoked.map((line) => line.split(" ")[0]).sort(),
    [...stream.revokedTokens].sort(),
    "one process revokes exactly the shared tokens",
  );
  assert.deepEqual(scaled.decisions, single.decisions, "two processes make the same decisions");
});

/** Process the whole stream with `processes` members of a fresh group. */
async function runWith(processes: number): Promise<RunResult> {
  const setup = await createFaultSetup(kafka, {
    name: `scale${processes}`,
    brokers: KAFKA_BROKERS,
    redisUrl: "redis://127.0.0.1:1",
    partitions: PARTITIONS,
  });
  prefixes.push(setup.keyPrefix);
  const ports: number[] = [];
  const services: ServiceProcess[] = [];
  for (let i = 0; i < processes; i++) {
    const port = await freePort();
    const service = startService(["run"], clusterEnv(setup, port));
    live.push(service);
    ports.push(port);
    services.push(service);
  }
  for (const service of services) await service.waitFor('"msg":"consuming"', 30_000);
  await waitForAssignment(setup, processes);

  await produceGradually(kafka, setup.topics.logs, stream, 4, 2_000);
  const tally = await waitForCounts(client, setup.keyPrefix, stream, 60_000);
  assert.equal(tally.counted, stream.size, `${processes} process(es) counted every event`);
  const alerts = await readTopic(kafka, setup.topics.alerts, {
    timeoutMs: 20_000,
    settleMs: 3_000,
    until: (read) => revokedIn(read.map((record) => record.value)) >= stream.revokedTokens.size,
  });
  const messagesRead = await Promise.all(ports.map(readMessagesTotal));
  for (const service of services) assert.equal(await service.stop("SIGTERM"), 0);

  const counts = new Map<string, number>();
  for (const fp of stream.expectedCounts.keys()) {
    counts.set(fp, await storedTotal(client, setup.keyPrefix, fp));
  }
  assert.equal((await tallyCounts(client, setup.keyPrefix, stream)).duplicated, 0);
  return { decisions: distinctDecisions(alerts.map((r) => r.value)), counts, messagesRead };
}

function clusterEnv(setup: FaultSetup, port: number): Record<string, string> {
  return faultServiceEnv(setup, {
    TOKENWATCH_REDIS_CLUSTER_NODES: cluster.nodes.join(","),
    TOKENWATCH_REVOCATIONS_DENYLIST_PREFIX: `${setup.keyPrefix}deny:`,
    TOKENWATCH_SERVER_PORT: String(port),
  });
}

/**
 * Wait until the group is stable with `members` members that each hold a
 * partition: input produced earlier could all go to the first member.
 */
async function waitForAssignment(setup: FaultSetup, members: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitUntil(
      async () => {
        const { groups } = await admin.describeGroups([setup.groupId]);
        const group = groups[0];
        if (group?.state !== "Stable" || group.members.length !== members) return false;
        return group.members.every((member) => {
          const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
          return (decoded?.assignment[setup.topics.logs] ?? []).length > 0;
        });
      },
      45_000,
      `the group never settled with ${members} member(s) each holding a partition`,
    );
  } finally {
    await admin.disconnect();
  }
}

/** Decisions as `token rule action`, once per decision id (a redelivery republishes one). */
function distinctDecisions(values: readonly string[]): string[] {
  const byId = new Map<string, string>();
  for (const value of values) {
    const record = JSON.parse(value) as {
      id: string;
      token: string;
      ruleId: string;
      action: string;
    };
    byId.set(record.id, `${record.token} ${record.ruleId} ${record.action}`);
  }
  return [...byId.values()].sort();
}

function revokedIn(values: readonly string[]): number {
  return distinctDecisions(values).filter((line) => line.endsWith(" revoke")).length;
}

async function readMessagesTotal(port: number): Promise<number> {
  const page = (await httpGet(port, "/metrics"))?.body ?? "";
  return Number(/^tokenwatch_messages_total (\d+)/m.exec(page)?.[1] ?? 0);
}
