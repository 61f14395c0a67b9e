import assert from "node:assert/strict";
import { test } from "node:test";
import { MINUTE, obs, type StoreFactory, T0, withStore } from "./contract-support.js";

const HOUR = 475_000;

/** Shared-egress counting: distinct tokens per network and hour. */
export function egressContract(factory: StoreFactory): void {
  test("distinct tokens are counted per network and hour, across calls", async () => {
    await withStore(factory, {}, async (store) => {
      const first = await store.observeEgress([
        { network: "198.51.100.7", hour: HOUR, tokenFps: ["fp-a", "fp-b"] },
        { network: "203.0.113.9", hour: HOUR, tokenFps: ["fp-a"] },
      ]);
      const second = await store.observeEgress([
        { network: "198.51.100.7", hour: HOUR, tokenFps: ["fp-b", "fp-c"] },
        { network: "198.51.100.7", hour: HOUR + 1, tokenFps: ["fp-d"] },
      ]);

      assert.deepEqual(first, [2, 1]);
      assert.deepEqual(second, [3, 1]);
    });
  });

  test("counting stops at 64 tokens", async () => {
    await withStore(factory, {}, async (store) => {
      const many = Array.from({ length: 70 }, (_, i) => `fp-${i}`);
      const counts = await store.observeEgress([
        { network: "2001:db8:1:2::/64", hour: HOUR, tokenFps: many },
        { network: "2001:db8:1:2::/64", hour: HOUR, tokenFps: ["fp-late"] },
      ]);

      assert.deepEqual(counts, [64, 64]);
    });
  });

  test("counting a later hour expires no token whose older events are still coming", async () => {
    await withStore(factory, {}, async (store) => {
      await store.observe("fp-older", [obs(T0)]);
      const laterHour = Math.floor((T0 + 30 * 24 * 60 * MINUTE) / (60 * MINUTE));
      await store.observeEgress([{ network: "192.0.2.10", hour: laterHour, tokenFps: ["fp-x"] }]);
      const [stats] = await store.observe("fp-older", [obs(T0 + MINUTE)]);

      assert.equal(stats?.totalRequests, 2);
    });
  });

  test("no uses, no counts", async () => {
    await withStore(factory, {}, async (store) => {
      assert.deepEqual(await store.observeEgress([]), []);
    });
  });
}
