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

const at = (ts: number, network: string, userAgent = "curl") => obs(ts, { network, userAgent });

/** Distinct networks and user agents, eviction, and the seen-before flags. */
export function distinctSetContract(factory: StoreFactory): void {
  test("counts distinct networks seen within five minutes apart from within the hour", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-networks", [
        at(T0, "198.51.100.1"),
        at(T0 + MINUTE, "198.51.100.2"),
        at(T0 + 10 * MINUTE, "198.51.100.3"),
        at(T0 + 12 * MINUTE, "198.51.100.1"),
        at(T0 + 15 * MINUTE, "2001:db8:1:2::/64"),
      ]);

      assert.deepEqual(
        stats.map((s) => [s?.networks5m, s?.networks1h]),
        [
          [1, 1],
          [2, 2],
          [1, 3],
          [2, 3],
          [2, 4],
        ],
      );
    });
  });

  test("a network last seen exactly 5 minutes or an hour ago is outside that window", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-edges", [
        at(T0, "198.51.100.1"),
        at(T0 + 55 * MINUTE, "198.51.100.2"),
        at(T0 + HOUR, "198.51.100.3"),
      ]);

      assert.deepEqual([stats[2]?.networks5m, stats[2]?.networks1h], [1, 2]);
    });
  });

  test("keeps at most maxNetworks, evicting the least recently seen", async () => {
    await withStore(factory, { maxNetworks: 3 }, async (store) => {
      const stats = await observeEach(store, "fp-evict", [
        at(T0, "a"),
        at(T0 + MINUTE, "b"),
        at(T0 + 2 * MINUTE, "c"),
        at(T0 + 3 * MINUTE, "a"),
        at(T0 + 4 * MINUTE, "d"),
        at(T0 + 5 * MINUTE, "b"),
        at(T0 + 6 * MINUTE, "a"),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.networkSeenBefore),
        [false, false, false, true, false, false, true],
      );
      assert.deepEqual(
        stats.map((s) => s?.networks1h),
        [1, 2, 3, 3, 3, 3, 3],
      );
    });
  });

  test("eviction breaks a tie in last-seen by the member's bytes", async () => {
    await withStore(factory, { maxNetworks: 2 }, async (store) => {
      const stats = await observeEach(store, "fp-tie", [
        at(T0, "b"),
        at(T0, "a"),
        at(T0 + 1, "c"),
        at(T0 + 2, "b"),
        at(T0 + 3, "a"),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.networkSeenBefore),
        [false, false, false, true, false],
      );
    });
  });

  test("the tie-break is byte order, not a locale's collation", async () => {
    // Bytes put "B" (0x42) before "a" (0x61); an en_US collation puts "a" first.
    await withStore(factory, { maxUserAgents: 2 }, async (store) => {
      const stats = await observeEach(store, "fp-tie-bytes", [
        at(T0, "n1", "a"),
        at(T0, "n1", "B"),
        at(T0 + 1, "n1", "c"),
        at(T0 + 2, "n1", "a"),
        at(T0 + 3, "n1", "B"),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.userAgentKnown),
        [false, false, false, true, false],
      );
    });
  });

  test("keeps at most maxUserAgents and counts user agents within the hour", async () => {
    await withStore(factory, { maxUserAgents: 2 }, async (store) => {
      const stats = await observeEach(store, "fp-agents", [
        at(T0, "n1", "Chrome"),
        at(T0 + MINUTE, "n1", "okhttp"),
        at(T0 + 2 * MINUTE, "n1", "curl"),
        at(T0 + 3 * MINUTE, "n1", "Chrome"),
        at(T0 + 3 * MINUTE + HOUR, "n1", "curl"),
      ]);

      assert.deepEqual(
        stats.map((s) => [s?.userAgents1h, s?.userAgentSeenBefore]),
        [
          [1, false],
          [2, false],
          [2, false],
          [2, false],
          [1, false],
        ],
      );
    });
  });

  test("seen-before means last seen within the hour before the observation", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-seen", [
        at(T0, "n1", "Chrome"),
        at(T0, "n1", "Chrome"),
        at(T0 + 30 * MINUTE, "n1", "Firefox"),
        at(T0 + 90 * MINUTE, "n1", "Firefox"),
        at(T0 + 91 * MINUTE, "n2", "Chrome"),
      ]);

      assert.deepEqual(
        stats.map((s) => [s?.networkSeenBefore, s?.userAgentSeenBefore]),
        [
          [false, false],
          [true, true],
          [true, false],
          [false, false],
          [false, false],
        ],
      );
    });
  });

  test("a late event never moves a network's last-seen backwards", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-late-seen", [
        at(T0 + 10 * MINUTE, "a"),
        at(T0 + 12 * MINUTE, "b"),
        at(T0 + 11 * MINUTE + 30_000, "b"),
        at(T0 + 16 * MINUTE + 45_000, "c"),
      ]);

      assert.equal(stats[2]?.networkSeenBefore, true);
      assert.deepEqual([stats[2]?.networks5m, stats[2]?.networks1h], [2, 2]);
      assert.deepEqual([stats[3]?.networks5m, stats[3]?.networks1h], [2, 3]);
    });
  });
}
