import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryTokenStateStore } from "../../src/state/memory-store.js";
import type { TokenObservation } from "../../src/state/token-state-store.js";
import {
  DEFAULT_CONFIG,
  HOUR,
  MINUTE,
  obs,
  seededRandom,
  T0,
} from "./contract/contract-support.js";
import { redisStoreUnderTest } from "./redis-fixture.js";

/*
 * Both stores fed the same randomly generated traffic — late events,
 * redeliveries, 401s, a revocation, several networks, operators,
 * countries and locations over three weeks — must report identical
 * statistics for every observation. The contract suite pins each rule
 * with hand-picked cases; this catches the combinations nobody picked.
 */

const NETWORKS = ["198.51.100.1", "198.51.100.2", "203.0.113.5", "2001:db8:1:2::/64"];
const ASNS = [3320, 3209, 6805, null];
const COUNTRIES = ["DE", "NL", "BR", null];
const STATUSES = [200, 200, 200, 201, 401, 403, 500];

function traffic(seed: number, count: number): TokenObservation[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  let ts = T0;
  let offset = 0;

  return Array.from({ length: count }, () => {
    // Mostly forward by up to 40 minutes, sometimes a day, sometimes late.
    const step = random() < 0.05 ? 26 * HOUR : Math.floor(random() * 40 * MINUTE);
    ts = random() < 0.1 ? Math.max(T0, ts - 20 * MINUTE) : ts + step;
    offset = random() < 0.05 ? Math.max(0, offset - 3) : offset + 1;
    const place = Math.floor(random() * 4);
    return obs(ts, {
      network: pick(NETWORKS),
      userAgent: pick(["curl", "Chrome/Mac OS/desktop", "Mobile Safari/iOS/mobile"]),
      status: pick(STATUSES),
      partitionKey: "logs/0",
      offset,
      asn: ASNS[place] ?? null,
      country: COUNTRIES[place] ?? null,
      location:
        place === 3 ? null : { lat: 50 - place * 20.5, lon: 8.7 - place * 17.25, radiusKm: 100 },
      browser: random() < 0.5,
    });
  });
}

test("the memory and Redis stores report identical statistics for random traffic", async () => {
  for (const seed of [1, 2, 3]) {
    // Fresh stores per seed: the memory store's clock is the newest event
    // time it saw, so one seed's three weeks would expire the next seed's
    // tokens there but not in Redis, whose TTLs run on the wall clock.
    const redis = await redisStoreUnderTest(DEFAULT_CONFIG);
    const memory = new MemoryTokenStateStore(DEFAULT_CONFIG);
    try {
      const observations = traffic(seed, 400);
      const fp = `fp-parity-${seed}`;
      const results = { memory: [] as unknown[], redis: [] as unknown[] };

      for (let i = 0; i < observations.length; i += 25) {
        const batch = observations.slice(i, i + 25);
        if (i === 200) {
          const at = batch[0]?.ts ?? T0;
          await memory.markRevoked(fp, at);
          await redis.store.markRevoked(fp, at);
        }
        results.memory.push(...(await memory.observe(fp, batch)));
        results.redis.push(...(await redis.store.observe(fp, batch)));
      }

      assert.deepEqual(results.redis, results.memory, `seed ${seed}`);
      const afterRevocation = results.memory.filter(
        (s) => (s as { afterRevocation: boolean }).afterRevocation,
      );
      assert.ok(afterRevocation.length > 0, "the traffic exercises the revocation path");
    } finally {
      await redis.dispose();
      await memory.close();
    }
  }
});
