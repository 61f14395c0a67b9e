import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { StateConfig } from "../../src/config/schema.js";
import { MemoryTokenStateStore } from "../../src/state/memory-store.js";
import { DEFAULT_CONFIG, HOUR, MINUTE, obs, T0 } from "./contract/contract-support.js";

const ONE_HOUR_TTL: StateConfig = { ...DEFAULT_CONFIG, ttlMs: HOUR };

describe("memory store expiry on event time", () => {
  test("drops a token whose newest event is more than ttlMs behind the store's clock", async () => {
    const store = new MemoryTokenStateStore(ONE_HOUR_TTL, { sweepIntervalMs: MINUTE });

    await store.observe("fp-old", [obs(T0)]);
    await store.observe("fp-new", [obs(T0 + HOUR)]);
    assert.equal(store.tokenCount, 2);

    await store.observe("fp-new", [obs(T0 + HOUR + MINUTE)]);
    assert.equal(store.tokenCount, 1);

    const [fresh] = await store.observe("fp-old", [obs(T0 + HOUR + 2 * MINUTE)]);
    assert.deepEqual([fresh?.totalRequests, fresh?.firstSeen], [1, T0 + HOUR + 2 * MINUTE]);
  });

  test("a token touched after its TTL starts afresh even before a sweep", async () => {
    const store = new MemoryTokenStateStore(ONE_HOUR_TTL, { sweepIntervalMs: 24 * HOUR });

    await store.observe("fp-a", [obs(T0)]);
    await store.observe("fp-b", [obs(T0 + 2 * HOUR)]);
    const [stats] = await store.observe("fp-a", [obs(T0 + 2 * HOUR)]);

    assert.equal(stats?.totalRequests, 1);
    assert.equal(stats?.networkSeenBefore, false);
  });

  test("a replay over many hours holds only the tokens active within the TTL", async () => {
    const store = new MemoryTokenStateStore(ONE_HOUR_TTL, { sweepIntervalMs: 5 * MINUTE });

    for (let minute = 0; minute < 24 * 60; minute++) {
      const batch = [0, 1, 2].map((i) => ({
        tokenFp: `fp-${minute}-${i}`,
        observations: [obs(T0 + minute * MINUTE + i)],
      }));
      await store.observeMany(batch);
    }

    assert.ok(store.tokenCount <= 3 * 66, `held ${store.tokenCount} tokens`);
    assert.ok(store.tokenCount >= 3 * 60, `held ${store.tokenCount} tokens`);
  });

  test("a revocation claim lasts its ttl in event time", async () => {
    const store = new MemoryTokenStateStore(ONE_HOUR_TTL);

    await store.observe("fp-r", [obs(T0)]);
    await store.claimRevocation("fp-r", "d1", 2 * HOUR);

    await store.observe("fp-other", [obs(T0 + 2 * HOUR - 1)]);
    assert.equal(await store.isRevoked("fp-r"), true);

    await store.observe("fp-other", [obs(T0 + 2 * HOUR)]);
    assert.equal(await store.isRevoked("fp-r"), false);
    assert.deepEqual(await store.claimRevocation("fp-r", "d2", HOUR), {
      granted: true,
      holder: "d2",
    });
  });

  test("refuses a TTL shorter than the hour window", () => {
    assert.throws(() => new MemoryTokenStateStore({ ...DEFAULT_CONFIG, ttlMs: 30 * MINUTE }), {
      code: "CONFIG_INVALID",
    });
  });

  test("close forgets every token", async () => {
    const store = new MemoryTokenStateStore(DEFAULT_CONFIG);
    await store.observe("fp", [obs(T0)]);
    await store.claimRevocation("fp", "d1", HOUR);

    await store.close();
    assert.equal(store.tokenCount, 0);
    assert.equal(await store.isRevoked("fp"), false);
  });
});
