import assert from "node:assert/strict";
import { test } from "node:test";
import type { TokenObservation, WindowStats } from "../../../src/state/token-state-store.js";
import {
  MINUTE,
  obs,
  observeEach,
  type StoreFactory,
  seededRandom,
  T0,
  withStore,
} from "./contract-support.js";

const fromPartition = (ts: number, partitionKey: string, offset: number | null) =>
  obs(ts, { partitionKey, offset });

/** Redelivery (duplicate offsets) and batching (`observeMany`). */
export function idempotencyContract(factory: StoreFactory): void {
  test("an offset at or below the partition's last applied one is a duplicate", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-dup", [
        fromPartition(T0, "logs/0", 5),
        fromPartition(T0 + 2 * MINUTE, "logs/0", 6),
        fromPartition(T0, "logs/0", 5),
        fromPartition(T0 + 2 * MINUTE, "logs/0", 6),
        fromPartition(T0 + MINUTE, "logs/0", 4),
      ]);

      assert.deepEqual(
        stats.map((s) => [s?.duplicate, s?.totalRequests]),
        [
          [false, 1],
          [false, 2],
          [true, 2],
          [true, 2],
          [true, 2],
        ],
      );

      const redelivered = stats[2];
      assert.deepEqual([redelivered?.requests1m, redelivered?.requests5m], [1, 1]);
      assert.equal(redelivered?.hourLevel, 4);
      assert.equal(redelivered?.networkSeenBefore, true);
      assert.deepEqual(stats[4]?.minuteHistory, [1]);
    });
  });

  test("the same offset on another partition is not a duplicate", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-partitions", [
        fromPartition(T0, "logs/0", 7),
        fromPartition(T0 + 1, "logs/1", 7),
        fromPartition(T0 + 2, "other-topic/0", 7),
        fromPartition(T0 + 3, "logs/1", 7),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.duplicate),
        [false, false, false, true],
      );
      assert.equal(stats[3]?.totalRequests, 3);
    });
  });

  test("an observation without an offset is never a duplicate", async () => {
    await withStore(factory, {}, async (store) => {
      const same = fromPartition(T0, "logs/0", null);
      const stats = await store.observe("fp-no-offset", [same, same, same]);

      assert.deepEqual(
        stats.map((s) => [s.duplicate, s.totalRequests, s.requests1m]),
        [
          [false, 1, 1],
          [false, 2, 2],
          [false, 3, 3],
        ],
      );
    });
  });

  test("a redelivered batch changes nothing and reports the current counts", async () => {
    await withStore(factory, {}, async (store) => {
      const batch = [0, 1, 2].map((i) => fromPartition(T0 + i * MINUTE, "logs/2", 100 + i));
      const first = await store.observe("fp-redeliver", batch);
      const again = await store.observe("fp-redeliver", batch);
      const [next] = await store.observe("fp-redeliver", [
        fromPartition(T0 + 3 * MINUTE, "logs/2", 103),
      ]);

      assert.deepEqual(
        again.map((s) => s.duplicate),
        [true, true, true],
      );
      assert.deepEqual(
        again.map((s) => s.totalRequests),
        [3, 3, 3],
      );
      assert.deepEqual(
        first.map((s) => s.totalRequests),
        [1, 2, 3],
      );
      assert.deepEqual([next?.totalRequests, next?.requests5m, next?.hourLevel], [4, 4, 4]);
      assert.deepEqual(next?.minuteHistory, [1, 1, 1]);
    });
  });

  test("observeMany gives the same answers as observing one event at a time", async () => {
    const traffic = generateTraffic(400);

    const oneByOne: WindowStats[][] = [];
    await withStore(factory, { maxNetworks: 4, maxUserAgents: 3 }, async (store) => {
      for (const [tokenFp, observation] of traffic) {
        oneByOne.push(await store.observe(tokenFp, [observation]));
      }
    });

    const batched: WindowStats[] = [];
    await withStore(factory, { maxNetworks: 4, maxUserAgents: 3 }, async (store) => {
      for (let start = 0; start < traffic.length; start += 50) {
        const chunk = traffic.slice(start, start + 50);
        const results = await store.observeMany(
          chunk.map(([tokenFp, o]) => ({ tokenFp, observations: [o] })),
        );
        batched.push(...results.flat());
      }
    });

    assert.equal(batched.length, traffic.length);
    assert.deepEqual(batched, oneByOne.flat());
    assert.ok(batched.some((s) => s.duplicate));
    assert.ok(batched.some((s) => s.networks5m > 1));
  });

  test("observeMany keeps one entry per input, in order, including empty ones", async () => {
    await withStore(factory, {}, async (store) => {
      const results = await store.observeMany([
        { tokenFp: "fp-a", observations: [obs(T0), obs(T0 + 1)] },
        { tokenFp: "fp-b", observations: [] },
        { tokenFp: "fp-a", observations: [obs(T0 + 2)] },
        { tokenFp: "fp-c", observations: [obs(T0 + 3)] },
      ]);

      assert.deepEqual(
        results.map((r) => r.map((s) => s.totalRequests)),
        [[1, 2], [], [3], [1]],
      );
    });
  });
}

/** Mixed traffic of three tokens: late events, redeliveries, several networks and agents. */
function generateTraffic(count: number): Array<[string, TokenObservation]> {
  const random = seededRandom(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const offsets = new Map<string, number>();
  const traffic: Array<[string, TokenObservation]> = [];
  let clock = T0;

  for (let i = 0; i < count; i++) {
    clock += Math.floor(random() * 40_000);
    const tokenFp = pick(["fp-x", "fp-y", "fp-z"]);
    const partitionKey = pick(["logs/0", "logs/1"]);
    const offset = (offsets.get(partitionKey) ?? 0) + 1;
    offsets.set(partitionKey, offset);

    const late = random() < 0.1 ? Math.floor(random() * 70 * MINUTE) : 0;
    const redelivered = random() < 0.1 ? Math.max(0, offset - 3) : offset;
    traffic.push([
      tokenFp,
      obs(clock - late, {
        network: pick(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"]),
        userAgent: pick(["curl", "Chrome", "okhttp", "Firefox"]),
        partitionKey,
        offset: random() < 0.1 ? null : redelivered,
      }),
    ]);
  }
  return traffic;
}
