import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Cluster } from "ioredis";
import { connectCluster, isRedisReady, pingRedis } from "../../src/state/redis-client.js";
import { RedisTokenStateStore } from "../../src/state/redis-store.js";
import { LocalCluster } from "../support/local-cluster.js";
import { deleteKeys, scanKeys } from "../support/secrets.js";
import { DEFAULT_CONFIG, obs, T0 } from "./contract/contract-support.js";
import { tokenStateStoreContract } from "./contract/token-state-contract.js";

/*
 * The store contract once more, against a Redis Cluster of three masters
 * started for this file: the same answers as the standalone server and the
 * memory store, with each token's script calls routed to its slot's master
 * and a batch auto-pipelined per node.
 */

let cluster: LocalCluster;
let client: Cluster;

before(async () => {
  cluster = await LocalCluster.start();
  client = await connectCluster(cluster.nodes, { connectionName: "tokenwatch-test" });
});

after(async () => {
  client?.disconnect();
  await cluster?.kill();
});

function clusterPrefix(): string {
  return `twcluster:${process.pid}-${randomBytes(4).toString("hex")}:`;
}

tokenStateStoreContract("redis cluster store", async (config) => {
  const prefix = clusterPrefix();
  const store = new RedisTokenStateStore(client, config, prefix, { quitOnClose: false });
  return {
    store,
    async dispose() {
      await deleteKeys(client, prefix);
      await store.close();
    },
  };
});

describe("redis cluster store: slots", () => {
  test("a batch keeps each token's keys in one slot, tokens on several masters", async () => {
    const prefix = clusterPrefix();
    const store = new RedisTokenStateStore(client, DEFAULT_CONFIG, prefix, { quitOnClose: false });
    const tokens = Array.from({ length: 40 }, (_, i) => `tok${String(i).padStart(19, "0")}`);

    const stats = await store.observeMany(
      tokens.map((tokenFp, i) => ({
        tokenFp,
        observations: [obs(T0 + i, { network: `198.51.100.${i}` }), obs(T0 + i + 1_000)],
      })),
    );
    await store.observeEgress([{ network: "198.51.100.7", hour: 1, tokenFps: tokens }]);

    assert.deepEqual(
      stats.map((perToken) => perToken.length),
      tokens.map(() => 2),
    );
    const slotsByToken = new Map<string, Set<number>>();
    const masters = new Set<string>();
    for (const key of await scanKeys(client, prefix)) {
      const slot = Number(await client.cluster("KEYSLOT", key));
      const tag = /\{([^}]*)\}/.exec(key)?.[1] ?? key;
      const slots = slotsByToken.get(tag) ?? new Set();
      slots.add(slot);
      slotsByToken.set(tag, slots);
      masters.add(masterOfSlot(slot));
    }
    for (const tokenFp of tokens) {
      assert.equal(slotsByToken.get(tokenFp)?.size, 1, `token ${tokenFp} is in one slot`);
    }
    assert.ok(masters.size > 1, `keys sit on ${masters.size} masters`);

    await deleteKeys(client, prefix);
  });

  test("readiness and ping see every master of the cluster", async () => {
    assert.equal(isRedisReady(client), true);
    assert.equal(await pingRedis(client), true);
  });
});

/** The `host:port` of the master serving `slot`, from ioredis's slot map. */
function masterOfSlot(slot: number): string {
  return client.slots[slot]?.[0] ?? "unknown";
}
