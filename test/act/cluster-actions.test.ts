import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { Cluster } from "ioredis";
import { DecisionLedger } from "../../src/act/decision-ledger.js";
import { Denylist, type DenylistEntry } from "../../src/act/denylist.js";
import { RedisRevocationBudget } from "../../src/decide/revocation-budget.js";
import { connectCluster } from "../../src/state/redis-client.js";
import { LocalCluster } from "../support/local-cluster.js";
import { deleteKeys } from "../support/secrets.js";
import { testDecision } from "./decisions.js";

/*
 * The denylist, the decision ledger and the revocation budget on a Redis
 * Cluster of three masters: none of their commands may be refused with
 * CROSSSLOT, whichever slots their keys fall in.
 */

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 2, 9, 0, 30);
const prefix = `twcluster:${randomBytes(4).toString("hex")}:`;
let cluster: LocalCluster;
let redis: Cluster;

before(async () => {
  cluster = await LocalCluster.start();
  redis = await connectCluster(cluster.nodes, { connectionName: "tokenwatch-test" });
});

after(async () => {
  if (redis) await deleteKeys(redis, prefix).catch(() => 0);
  redis?.disconnect();
  await cluster?.kill();
});

function entry(decisionId: string): DenylistEntry {
  return {
    v: 1,
    decisionId,
    ruleId: "many-networks-short-window",
    revokedAt: NOW,
    denyUntil: null,
    publishedAt: Date.now(),
  };
}

test("denylist entries of many tokens are written, read and removed across slots", async () => {
  const denylist = new Denylist(redis, `${prefix}deny:`, DAY);
  const fps = Array.from({ length: 30 }, (_, i) => `fp${String(i).padStart(20, "0")}`);

  await denylist.putMany(fps.map((tokenFp, i) => ({ tokenFp, entry: entry(`d-${i}`) })));
  assert.equal(await denylist.markAlerted(fps[0] ?? "", 60_000), true);
  const read = await denylist.getMany([...fps, "not-denied"]);
  const removed = await denylist.remove(fps[0] ?? "");

  const slots = new Set(
    await Promise.all(
      fps.map(async (fp) => Number(await redis.cluster("KEYSLOT", denylist.key(fp)))),
    ),
  );
  assert.ok(slots.size > 1, "the entries really are in different slots");
  assert.deepEqual(
    read.map((value) => value?.decisionId ?? null),
    [...fps.map((_, i) => `d-${i}`), null],
  );
  assert.equal(removed, true);
  assert.equal(await denylist.get(fps[0] ?? ""), null);
  assert.equal(await redis.exists(`${denylist.key(fps[0] ?? "")}:alerted`), 0);
});

test("the ledger records a batch of decisions once and counts them per rule", async () => {
  const ledger = new DecisionLedger(redis, prefix);
  const decisions = [1, 2, 3].map((n) => testDecision({ id: `decision-${n}` }));

  await ledger.record(decisions);
  await ledger.record(decisions);
  const marked = await ledger.markFalsePositive("decision-2");

  assert.equal(marked.marked, true);
  assert.deepEqual(await ledger.quality(), [
    { rule: decisions[0]?.ruleId, decisions: 3, falsePositives: 1 },
  ]);
});

test("the budget's MULTI over the global and consumer counters runs in one slot", async () => {
  const budget = new RedisRevocationBudget(redis, prefix, {
    perMinute: 3,
    perConsumerPerMinute: 2,
  });

  const verdicts = [
    await budget.take("alice", NOW),
    await budget.take("alice", NOW),
    await budget.take("alice", NOW),
    await budget.take("bob", NOW),
    await budget.take("carol", NOW),
  ];

  assert.deepEqual(
    verdicts.map((v) => (v.granted ? "granted" : `${v.scope}:${v.firstRefusal}`)),
    ["granted", "granted", "consumer:true", "granted", "global:true"],
  );
});
