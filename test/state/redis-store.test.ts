import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Redis } from "ioredis";
import calculateSlot from "ioredis/built/utils/calculateSlot.js";
import type { StateConfig } from "../../src/config/schema.js";
import { connectRedis } from "../../src/state/redis-client.js";
import { RedisTokenStateStore } from "../../src/state/redis-store.js";
import { appliedEntries } from "../../src/state/state-errors.js";
import { defineStateCommands } from "../../src/state/state-scripts.js";
import { decodeSnapshot } from "../../src/state/token-snapshot.js";
import { dumpRedis, leakedSecrets } from "../support/secrets.js";
import { DEFAULT_CONFIG, HOUR, MINUTE, obs, T0 } from "./contract/contract-support.js";
import { REDIS_URL, redisStoreUnderTest, uniquePrefix } from "./redis-fixture.js";

const CONFIG: StateConfig = { ...DEFAULT_CONFIG, ttlMs: 2 * HOUR };
const RAW_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.planted-secret-signature";
const FP = createHmac("sha256", "test-fingerprint-key")
  .update(RAW_TOKEN)
  .digest("base64url")
  .slice(0, 22);

let fixture: Awaited<ReturnType<typeof redisStoreUnderTest>>;
let redis: Redis;

/** Every key under the fixture's prefix, sorted. */
async function keysOf(prefix: string): Promise<string[]> {
  return (await redis.keys(`${prefix}*`)).sort();
}

describe("redis store", () => {
  before(async () => {
    fixture = await redisStoreUnderTest(CONFIG);
    redis = fixture.client;

    await fixture.store.observe(FP, [
      obs(T0, { partitionKey: "logs/0", offset: 10 }),
      obs(T0 + 30_000, { partitionKey: "logs/0", offset: 11, network: "198.51.100.7" }),
      obs(T0 + MINUTE, { partitionKey: "logs/1", offset: 3, userAgent: "Chrome" }),
    ]);
    await fixture.store.claimCooldown(FP, "many-networks", T0 + MINUTE, 10 * MINUTE, "d1");
    await fixture.store.claimRevocation(FP, "d1", 24 * HOUR);
  });

  after(() => fixture.dispose());

  test("writes the documented keys of a token, all under its hash tag", async () => {
    const base = `${fixture.prefix}{${FP}}:`;
    assert.deepEqual(
      await keysOf(fixture.prefix),
      ["c", "r", "s"].map((suffix) => base + suffix),
    );
  });

  test("stores real values in each key", async () => {
    const base = `${fixture.prefix}{${FP}}:`;
    const minute = Math.floor(T0 / MINUTE);
    const text = (await redis.get(`${base}s`)) as string;
    const { version, state } = decodeSnapshot(text);

    assert.equal(version, 1);
    assert.deepEqual(state, {
      firstSeen: T0,
      newestTs: T0 + MINUTE,
      totalRequests: 3,
      buckets: [
        [minute, 2],
        [minute + 1, 1],
      ],
      networks: [
        ["192.0.2.10", T0 + MINUTE],
        ["198.51.100.7", T0 + 30_000],
      ],
      userAgents: [
        ["curl", T0 + 30_000],
        ["Chrome", T0 + MINUTE],
      ],
      asns: [],
      countries: [],
      // Monday 10:00 UTC is hour 10 of the week (one active hour: level 4).
      hours: {
        decayWeek: Math.floor((Math.floor(T0 / (24 * HOUR)) + 3) / 7),
        lastHour: Math.floor(T0 / HOUR),
        active: 1,
        levels: [[10, 4]],
      },
      // 192.0.2.10, 198.51.100.7, then 192.0.2.10 again: one alternation in the second minute.
      alternations: [[minute + 1, 1]],
      denied: [],
      offsets: [
        ["logs/0", 11],
        ["logs/1", 3],
      ],
      lastNetwork: "192.0.2.10",
      networkBefore: "198.51.100.7",
      location: null,
      locationTs: null,
      browserRequests: 0,
    });
    // Times are stored back from the newest, which keeps the text short.
    assert.ok(text.startsWith(`[1,${T0 + MINUTE},${MINUTE},3,[1,2,0,1],`), text);
    assert.deepEqual(await redis.hgetall(`${base}c`), { "many-networks": `${T0 + MINUTE}:d1` });
    assert.equal(await redis.get(`${base}r`), "d1");
  });

  test("gives every key a TTL: the state TTL, or the revocation's own", async () => {
    const base = `${fixture.prefix}{${FP}}:`;
    for (const suffix of ["s", "c"]) {
      const ttl = await redis.pttl(base + suffix);
      assert.ok(ttl > CONFIG.ttlMs - 10_000 && ttl <= CONFIG.ttlMs, `${suffix}: ${ttl}`);
    }

    const revocationTtl = await redis.pttl(`${base}r`);
    assert.ok(revocationTtl > 24 * HOUR - 10_000 && revocationTtl <= 24 * HOUR);
  });

  test("puts all keys of a token in the cluster slot of its fingerprint", async () => {
    // CLUSTER KEYSLOT needs a cluster; these are its documented answers.
    assert.equal(calculateSlot("somekey"), 11058);
    assert.equal(calculateSlot("foo{hash_tag}"), calculateSlot("hash_tag"));

    const slots = new Set((await keysOf(fixture.prefix)).map((key) => calculateSlot(key)));
    assert.deepEqual([...slots], [calculateSlot(FP)]);
  });

  test("stores nothing that identifies the token but its fingerprint", async () => {
    const dump = await dumpRedis(redis, fixture.prefix);

    assert.deepEqual(leakedSecrets(dump, [RAW_TOKEN, "planted-secret"]), []);
    assert.ok(dump.includes(FP));
    for (const key of await keysOf(fixture.prefix)) {
      assert.equal(key.replace(`{${FP}}`, "{}"), `${fixture.prefix}{}:${key.slice(-1)}`);
    }
  });

  test("a redelivered batch leaves every key exactly as it was", async () => {
    const beforeDump = await dumpRedis(redis, fixture.prefix);
    const stats = await fixture.store.observe(FP, [
      obs(T0, { partitionKey: "logs/0", offset: 10 }),
      obs(T0 + MINUTE, { partitionKey: "logs/1", offset: 3, userAgent: "Chrome" }),
    ]);

    assert.deepEqual(
      stats.map((s) => s.duplicate),
      [true, true],
    );
    assert.equal(await dumpRedis(redis, fixture.prefix), beforeDump);
  });
});

describe("redis store bucket retention", () => {
  test("keeps only the newest minute and the sixty before it", async () => {
    const { store, client, prefix, dispose } = await redisStoreUnderTest(CONFIG);
    try {
      const minutes = [0, 5, 9, 10, 30, 69, 70];
      await store.observe(
        "fp-trim",
        minutes.map((m) => obs(T0 + m * MINUTE)),
      );

      const { state } = decodeSnapshot((await client.get(`${prefix}{fp-trim}:s`)) as string);
      const kept = state.buckets.map(([minute]) => minute).sort((a, b) => a - b);
      const first = Math.floor(T0 / MINUTE);
      assert.deepEqual(
        kept,
        [10, 30, 69, 70].map((m) => first + m),
      );
    } finally {
      await dispose();
    }
  });
});

describe("redis store writes", () => {
  test("a token another process wrote meanwhile is read and applied again", async () => {
    const { store, client, prefix, dispose } = await redisStoreUnderTest(CONFIG);
    const other = new RedisTokenStateStore(await connectRedis(REDIS_URL), CONFIG, prefix);
    // The second pipeline is this store's first write: the other process writes just before it.
    const original = client.pipeline.bind(client);
    let pipelines = 0;
    client.pipeline = ((...args: Parameters<Redis["pipeline"]>) => {
      const pipeline = original(...args);
      pipelines += 1;
      if (pipelines === 2) {
        const exec = pipeline.exec.bind(pipeline);
        pipeline.exec = (async () => {
          await other.observe("fp-race", [obs(T0, { network: "203.0.113.9", offset: 1 })]);
          return exec();
        }) as typeof pipeline.exec;
      }
      return pipeline;
    }) as Redis["pipeline"];

    try {
      const [stats] = await store.observeMany([
        { tokenFp: "fp-race", observations: [obs(T0 + MINUTE, { offset: 2 })] },
      ]);

      // Both writes count: the other's request and network are part of this answer.
      assert.deepEqual(
        stats?.map((s) => [s.totalRequests, s.networks1h]),
        [[2, 2]],
      );
      const { version, state } = decodeSnapshot(
        (await client.get(`${prefix}{fp-race}:s`)) as string,
      );
      assert.equal(version, 2);
      assert.equal(state.totalRequests, 2);
      assert.equal(pipelines, 4, "read, a write that lost, read again, write");
    } finally {
      client.pipeline = original;
      await other.close();
      await dispose();
    }
  });

  test("a revocation recorded meanwhile stops that token's write, not the others'", async () => {
    const { store, client, prefix, dispose } = await redisStoreUnderTest(CONFIG);
    try {
      await store.observe("fp-rv", [obs(T0, { offset: 1 })]);
      await store.observe("fp-calm", [obs(T0, { offset: 1 })]);
      const commands = defineStateCommands(client);
      const keys = [`${prefix}{fp-rv}:s`, `${prefix}{fp-rv}:v`] as const;
      const calm = [`${prefix}{fp-calm}:s`, `${prefix}{fp-calm}:v`] as const;
      const text = (await client.get(keys[0])) as string;
      const next = text.replace(/^\[1,/, "[2,");

      // Both read with no revocation; a revocation of one lands; only the other is written.
      await store.markRevoked("fp-rv", T0 + MINUTE);
      const written = await commands.twStoreStates(
        4,
        ...keys,
        ...calm,
        String(HOUR),
        ...["1", "", next],
        ...["1", "", next],
      );
      assert.deepEqual(written, [0, 1]);
      assert.equal(await client.get(keys[1]), String(T0 + MINUTE));
      assert.equal(await client.get(keys[0]), text);
      assert.equal(await client.get(calm[0]), next);
    } finally {
      await dispose();
    }
  });
});

describe("redis store batching and failures", () => {
  test("observeMany reads every token in one pipeline and writes them in another", async () => {
    const { client, prefix, dispose } = await redisStoreUnderTest(CONFIG);
    const pipelines: unknown[] = [];
    const original = client.pipeline.bind(client);
    client.pipeline = ((...args: Parameters<Redis["pipeline"]>) => {
      const pipeline = original(...args);
      pipelines.push(pipeline);
      return pipeline;
    }) as Redis["pipeline"];

    try {
      const store = new RedisTokenStateStore(client, CONFIG, prefix, { quitOnClose: false });
      const results = await store.observeMany(
        ["fp-1", "fp-2", "fp-3"].map((tokenFp) => ({ tokenFp, observations: [obs(T0)] })),
      );

      assert.equal(pipelines.length, 2);
      assert.deepEqual(
        results.map((r) => r.length),
        [1, 1, 1],
      );
    } finally {
      client.pipeline = original;
      await dispose();
    }
  });

  test("a state it cannot read is kept aside, reported, and the token starts afresh", async () => {
    const unreadable: string[][] = [];
    const { client, prefix, dispose } = await redisStoreUnderTest(CONFIG);
    const store = new RedisTokenStateStore(client, CONFIG, prefix, {
      quitOnClose: false,
      onUnreadable: (tokenFp, keptAs, reason) => unreadable.push([tokenFp, keptAs, reason]),
    });
    try {
      await store.observe("fp-good", [obs(T0, { offset: 1 })]);
      const good = (await client.get(`${prefix}{fp-good}:s`)) as string;
      await client.set(`${prefix}{fp-text}:s`, '{"planted":"planted-secret"}');
      await client.hset(`${prefix}{fp-hash}:s`, "planted", "planted-secret");
      // Valid JSON, but a version the write script cannot read: it could never be written.
      await client.set(`${prefix}{fp-space}:s`, good.replace(/^\[1,/, "[ 1,"));

      const results = await store.observeMany(
        ["fp-text", "fp-hash", "fp-space", "fp-fine"].map((tokenFp) => ({
          tokenFp,
          observations: [obs(T0, { offset: 1 })],
        })),
      );

      assert.deepEqual(
        results.map(([stats]) => [stats?.totalRequests, stats?.duplicate]),
        [
          [1, false],
          [1, false],
          [1, false],
          [1, false],
        ],
      );
      assert.deepEqual(unreadable.map(([fp]) => fp).sort(), ["fp-hash", "fp-space", "fp-text"]);
      for (const [fp, keptAs, reason] of unreadable) {
        assert.equal(keptAs, `${prefix}{${fp}}:s:unreadable`);
        assert.ok(!reason?.includes("planted"), reason);
        assert.ok(((await client.pttl(keptAs as string)) ?? 0) > 0, `${keptAs} has a TTL`);
      }
      assert.equal(
        await client.hget(`${prefix}{fp-hash}:s:unreadable`, "planted"),
        "planted-secret",
      );
      for (const fp of ["fp-text", "fp-hash", "fp-space"]) {
        const { state } = decodeSnapshot((await client.get(`${prefix}{${fp}}:s`)) as string);
        assert.equal(state.totalRequests, 1, fp);
      }
    } finally {
      await dispose();
    }
  });

  test("two processes meeting one unreadable state report it once", async () => {
    const reports: string[] = [];
    const { client, prefix, dispose } = await redisStoreUnderTest(CONFIG);
    const options = {
      quitOnClose: false,
      onUnreadable: (tokenFp: string) => reports.push(tokenFp),
    };
    const stores = [
      new RedisTokenStateStore(client, CONFIG, prefix, options),
      new RedisTokenStateStore(await connectRedis(REDIS_URL), CONFIG, prefix, {
        onUnreadable: options.onUnreadable,
      }),
    ];
    try {
      await client.set(`${prefix}{fp-shared}:s`, "garbage");
      await Promise.all(
        stores.map((store, i) =>
          store.observe("fp-shared", [obs(T0, { partitionKey: `logs/${i}`, offset: 1 })]),
        ),
      );
      // Whichever set the value aside reports it; the other just reads the token again.
      assert.deepEqual(reports, ["fp-shared"]);
      const { state } = decodeSnapshot((await client.get(`${prefix}{fp-shared}:s`)) as string);
      assert.equal(state.totalRequests, 2, "both processes' events counted");
      assert.equal(await client.get(`${prefix}{fp-shared}:s:unreadable`), "garbage");
    } finally {
      await stores[1]?.close();
      await dispose();
    }
  });

  test("a write that keeps losing says which tokens were applied before it gave up", async () => {
    const conflicts: number[] = [];
    const { client, prefix, dispose } = await redisStoreUnderTest(CONFIG);
    const store = new RedisTokenStateStore(client, CONFIG, prefix, {
      quitOnClose: false,
      onConflicts: (count) => conflicts.push(count),
    });
    // Another writer bumps fp-busy's version between every read and write.
    const other = await connectRedis(REDIS_URL);
    const original = client.pipeline.bind(client);
    client.pipeline = ((...args: Parameters<Redis["pipeline"]>) => {
      const pipeline = original(...args);
      const exec = pipeline.exec.bind(pipeline);
      pipeline.exec = (async () => {
        const text = await other.get(`${prefix}{fp-busy}:s`);
        if (text) {
          const version = Number(/^\[(\d+),/.exec(text)?.[1]);
          await other.set(`${prefix}{fp-busy}:s`, text.replace(/^\[\d+,/, `[${version + 1},`));
        }
        return exec();
      }) as typeof pipeline.exec;
      return pipeline;
    }) as Redis["pipeline"];

    try {
      await store.observe("fp-busy", [obs(T0, { offset: 1 })]);
      const failure = await store
        .observeMany([
          { tokenFp: "fp-calm", observations: [obs(T0, { offset: 1 })] },
          { tokenFp: "fp-busy", observations: [obs(T0 + MINUTE, { offset: 2 })] },
        ])
        .then(
          () => null,
          (err: unknown) => err,
        );

      assert.equal((failure as { code?: string })?.code, "STATE_WRITE_CONTENDED");
      assert.equal((failure as { retriable?: boolean })?.retriable, true);
      const applied = appliedEntries(failure);
      assert.equal(applied?.[0]?.[0]?.totalRequests, 1, "fp-calm was written");
      assert.equal(applied?.[1], null, "fp-busy was not");
      assert.ok(conflicts.reduce((a, b) => a + b, 0) >= 8, `conflicts ${conflicts}`);
    } finally {
      client.pipeline = original;
      other.disconnect();
      await dispose();
    }
  });

  test("scripts answer arguments not matching their header with a protocol error", async () => {
    const { client, prefix, dispose } = await redisStoreUnderTest(CONFIG);
    try {
      const commands = defineStateCommands(client);
      const [state, revoked] = ["s", "v"].map((suffix) => `${prefix}{fp-bad}:${suffix}`);

      assert.equal(
        await commands.twStoreStates(2, state as string, revoked as string, "0", ""),
        -1,
      );
      assert.equal(await commands.twClaimCooldown(`${prefix}{fp-bad}:c`, "rule", "soon"), -1);
      assert.deepEqual(await client.keys(`${prefix}*`), []);
    } finally {
      await dispose();
    }
  });

  test("refuses a braced key prefix and a TTL shorter than the hour window", async () => {
    const client = await connectRedis(REDIS_URL);
    try {
      assert.throws(() => new RedisTokenStateStore(client, CONFIG, "tw{x}:"), {
        code: "CONFIG_INVALID",
      });
      assert.throws(() => new RedisTokenStateStore(client, { ...CONFIG, ttlMs: 0 }, "tw:"), {
        code: "CONFIG_INVALID",
      });
    } finally {
      await client.quit();
    }
  });

  test("answers readiness checks and stops answering once closed", async () => {
    const client = await connectRedis(REDIS_URL);
    const store = new RedisTokenStateStore(client, CONFIG, uniquePrefix());

    assert.equal(store.isReady(), true);
    assert.equal(await store.ping(), true);

    await store.close();
    assert.equal(store.isReady(), false);
    assert.equal(await store.ping(), false);
  });

  test("an unreachable server fails with a retriable error and no password", async () => {
    const failure = connectRedis("redis://:hunter2@127.0.0.1:1", { timeoutMs: 500 });

    await assert.rejects(failure, (err: Error & { code?: string; retriable?: boolean }) => {
      assert.equal(err.code, "STATE_REDIS_UNAVAILABLE");
      assert.equal(err.retriable, true);
      assert.ok(!err.message.includes("hunter2"), err.message);
      return true;
    });
  });
});
