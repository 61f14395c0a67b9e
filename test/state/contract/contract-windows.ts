import assert from "node:assert/strict";
import { test } from "node:test";
import {
  HOUR,
  MINUTE,
  obs,
  observeEach,
  type StoreFactory,
  T0,
  withStore,
} from "./contract-support.js";

/** Zeros, for the idle minutes of an expected history. */
const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/** Request counts per window and the minute history. */
export function requestWindowContract(factory: StoreFactory): void {
  test("counts the current minute, the last five and the last hour by whole minutes", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-rates", [
        obs(T0),
        obs(T0 + MINUTE - 1),
        obs(T0 + MINUTE),
        obs(T0 + 4 * MINUTE),
        obs(T0 + 5 * MINUTE),
        obs(T0 + 59 * MINUTE),
        obs(T0 + 60 * MINUTE),
        obs(T0 + 61 * MINUTE),
      ]);

      const rates = stats.map((s) => [s?.requests1m, s?.requests5m, s?.requests1h]);
      assert.deepEqual(rates, [
        [1, 1, 1],
        [2, 2, 2],
        [1, 3, 3],
        [1, 4, 4],
        [1, 3, 5],
        [1, 1, 6],
        [1, 2, 5],
        [1, 3, 5],
      ]);
      assert.deepEqual(stats[3]?.minuteHistory, [2, 1, 0, 0]);
      assert.deepEqual(stats[5]?.minuteHistory, [2, 1, 0, 0, 1, 1, ...zeros(53)]);
      assert.deepEqual(stats[6]?.minuteHistory, [2, 1, 0, 0, 1, 1, ...zeros(53), 1]);
      assert.deepEqual(stats[7]?.minuteHistory, [1, 0, 0, 1, 1, ...zeros(53), 1, 1]);
    });
  });

  test("minute history starts at the first-seen minute, idle minutes as zeros", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-history", [
        obs(T0 + 30_000),
        obs(T0 + 3 * MINUTE),
        obs(T0 + 3 * MINUTE + 59_000),
        obs(T0 + 5 * MINUTE),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.minuteHistory),
        [[], [1, 0, 0], [1, 0, 0], [1, 0, 0, 2, 0]],
      );
      assert.equal(stats[3]?.firstSeen, T0 + 30_000);
      assert.equal(stats[3]?.totalRequests, 4);
    });
  });

  test("a token idle for more than an hour starts its history an hour back", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-idle", [obs(T0), obs(T0 + 3 * HOUR)]);

      assert.deepEqual(stats[1]?.minuteHistory, zeros(60));
      assert.deepEqual(
        [stats[1]?.requests1m, stats[1]?.requests5m, stats[1]?.requests1h],
        [1, 1, 1],
      );
      assert.equal(stats[1]?.firstSeen, T0);
    });
  });

  test("a late event is counted in its own minute and its windows end at its time", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-late", [
        obs(T0 + 10 * MINUTE),
        obs(T0 + 12 * MINUTE),
        obs(T0 + 11 * MINUTE + 5_000),
        obs(T0 + 12 * MINUTE + 1_000),
      ]);

      const late = stats[2];
      assert.equal(late?.duplicate, false);
      assert.deepEqual([late?.requests1m, late?.requests5m, late?.requests1h], [1, 2, 2]);
      assert.deepEqual(late?.minuteHistory, [1]);
      assert.equal(late?.totalRequests, 3);

      const after = stats[3];
      assert.deepEqual([after?.requests1m, after?.requests5m, after?.requests1h], [2, 4, 4]);
      assert.deepEqual(after?.minuteHistory, [1, 1]);
    });
  });

  test("an event older than the retained hour counts in totals but in no minute", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-too-late", [
        obs(T0 + 5 * MINUTE),
        obs(T0 + 70 * MINUTE),
        obs(T0 + 9 * MINUTE),
        obs(T0 + 10 * MINUTE),
        obs(T0 + 71 * MINUTE),
      ]);

      const tooLate = stats[2];
      assert.deepEqual([tooLate?.requests1m, tooLate?.requests5m, tooLate?.requests1h], [0, 0, 0]);
      assert.deepEqual(tooLate?.minuteHistory, []);
      assert.equal(tooLate?.totalRequests, 3);

      const justInTime = stats[3];
      assert.deepEqual([justInTime?.requests1m, justInTime?.requests1h], [1, 1]);

      const next = stats[4];
      assert.deepEqual([next?.requests1m, next?.requests5m, next?.requests1h], [1, 2, 2]);
      assert.deepEqual(next?.minuteHistory, [...zeros(59), 1]);
      assert.equal(next?.totalRequests, 5);
    });
  });

  test("an event before the first one moves first-seen back", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-earlier", [obs(T0 + 20 * MINUTE), obs(T0)]);

      assert.equal(stats[1]?.firstSeen, T0);
      assert.deepEqual(stats[1]?.minuteHistory, []);
      assert.deepEqual([stats[1]?.requests1m, stats[1]?.requests1h], [1, 1]);
    });
  });

  test("an empty observation list returns no statistics", async () => {
    await withStore(factory, {}, async (store) => {
      assert.deepEqual(await store.observe("fp-empty", []), []);
      assert.deepEqual(await store.observeMany([]), []);
    });
  });
}
