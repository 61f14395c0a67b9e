/**
 * How much Redis memory one active token costs. Not a test: it writes
 * realistic state for many tokens under a throw-away key prefix, prints the
 * `used_memory` delta per token and `MEMORY USAGE` of each key of a sample
 * token, then deletes everything it wrote (SCAN + UNLINK by prefix).
 *
 *   node --import tsx bench/state-memory.ts [--tokens 100000] [--observations 20]
 *     [--url redis://127.0.0.1:6379]
 *
 * The delta includes whatever else writes to the same server meanwhile, so
 * run it against an otherwise idle Redis for a clean figure.
 *
 * Measured on Redis 7.0.15 (jemalloc), default prefix length, with geo-IP
 * enrichment (ASN, country, location) on every observation: see
 * src/state/state-keys.ts for the current figures.
 */
import { createHmac, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import type { Redis } from "ioredis";
import type { StateConfig } from "../src/config/schema.js";
import { connectRedis } from "../src/state/redis-client.js";
import { RedisTokenStateStore } from "../src/state/redis-store.js";
import { StateKeys } from "../src/state/state-keys.js";
import type { TokenObservation } from "../src/state/token-state-store.js";

const { values } = parseArgs({
  options: {
    tokens: { type: "string", default: "10000" },
    observations: { type: "string", default: "20" },
    url: { type: "string", default: "redis://127.0.0.1:6379" },
  },
});

const TOKENS = Number(values.tokens);
const OBSERVATIONS = Number(values.observations);
const TOKENS_PER_BATCH = 500;
const MINUTE = 60_000;
const NOW = Date.UTC(2024, 0, 15, 10, 0, 0);

const CONFIG: StateConfig = {
  ttlMs: 7 * 24 * 60 * MINUTE,
  maxNetworks: 64,
  maxUserAgents: 16,
};

const USER_AGENTS = ["Chrome", "Mobile Safari", "okhttp", "Firefox", "curl", "python-requests"];

/** A 128-bit base64url fingerprint, as identity produces. */
function fingerprint(i: number): string {
  return createHmac("sha256", "bench").update(String(i)).digest("base64url").slice(0, 22);
}

/** Twenty-odd requests over the last hour from a few networks and clients of one user. */
function trafficOf(i: number, offsets: Map<string, number>): TokenObservation[] {
  const networks = [
    `198.51.${i % 256}.${(i >> 8) % 256}`,
    `2001:db8:${(i % 65536).toString(16)}:1::/64`,
    `203.0.113.${i % 200}`,
  ].slice(0, 1 + (i % 3));
  const agents = USER_AGENTS.slice(i % 4, (i % 4) + 1 + (i % 2));
  const partitionKey = `gateway-logs/${i % 12}`;

  return Array.from({ length: OBSERVATIONS }, (_, n) => {
    const offset = (offsets.get(partitionKey) ?? 0) + 1;
    offsets.set(partitionKey, offset);
    return {
      ts: NOW - 55 * MINUTE + Math.floor(((n + (i % 7) / 7) * 55 * MINUTE) / OBSERVATIONS),
      network: networks[n % networks.length] ?? "unknown",
      userAgent: agents[n % agents.length] ?? "unknown",
      status: 200,
      partitionKey,
      offset,
      expiresAt: null,
      // Geo-IP enrichment: one operator per network, one country, a city.
      asn: 3320 + (n % networks.length),
      country: "DE",
      location: { lat: 50.1109, lon: 8.6821, radiusKm: 100 },
      browser: !/curl|okhttp|python/.test(agents[n % agents.length] ?? ""),
    };
  });
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function unlinkByPrefix(redis: Redis, keys: StateKeys): Promise<number> {
  let cursor = "0";
  let removed = 0;
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", keys.scanPattern(), "COUNT", 1000);
    cursor = next;
    if (found.length > 0) removed += await redis.unlink(...found);
  } while (cursor !== "0");
  return removed;
}

/**
 * A prefix as short as the default `tw:` (key names are part of the cost)
 * that no key on the server uses yet, so clean-up deletes only ours.
 */
async function unusedPrefix(redis: Redis): Promise<StateKeys> {
  for (;;) {
    const keys = new StateKeys(`b${randomBytes(1).toString("hex")}:`);
    const [, found] = await redis.scan("0", "MATCH", keys.scanPattern(), "COUNT", 100_000);
    if (found.length === 0) return keys;
  }
}

async function main(): Promise<void> {
  const redis = await connectRedis(values.url, { timeoutMs: 30_000 });
  const keys = await unusedPrefix(redis);
  const store = new RedisTokenStateStore(redis, CONFIG, keys.prefix, { quitOnClose: false });
  const offsets = new Map<string, number>();

  try {
    const before = await usedMemory(redis);
    const started = performance.now();

    for (let start = 0; start < TOKENS; start += TOKENS_PER_BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(start + TOKENS_PER_BATCH, TOKENS); i++) {
        batch.push({ tokenFp: fingerprint(i), observations: trafficOf(i, offsets) });
      }
      await store.observeMany(batch);
    }

    const seconds = (performance.now() - started) / 1000;
    const delta = (await usedMemory(redis)) - before;
    const sample = keys.forToken(fingerprint(1));

    console.log(`tokens                 ${TOKENS}`);
    console.log(`observations per token ${OBSERVATIONS}`);
    console.log(`observations per sec   ${Math.round((TOKENS * OBSERVATIONS) / seconds)}`);
    console.log(`used_memory delta      ${delta} B`);
    console.log(`per token              ${Math.round(delta / TOKENS)} B`);
    console.log("MEMORY USAGE of sample token fingerprint(1):");

    let total = 0;
    for (const [name, key] of Object.entries(sample)) {
      const bytes = (await redis.memory("USAGE", key, "SAMPLES", 0)) ?? 0;
      const encoding = bytes ? await redis.object("ENCODING", key) : "-";
      total += bytes;
      console.log(`  ${name.padEnd(11)} ${String(bytes).padStart(5)} B  ${encoding}  ${key}`);
    }
    console.log(`  ${"sum".padEnd(11)} ${String(total).padStart(5)} B`);
  } finally {
    const removed = await unlinkByPrefix(redis, keys);
    console.log(`cleaned up ${removed} keys`);
    await redis.quit();
  }
}

await main();
