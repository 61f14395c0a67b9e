import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { connectRedis } from "../../src/state/redis-client.js";
import { RedisTokenStateStore } from "../../src/state/redis-store.js";
import { DEFAULT_CONFIG, obs, T0 } from "./contract/contract-support.js";

/**
 * Failures need a server of our own: the shared one must not lose its script
 * cache or go down under other tests. A private `redis-server` listens on a
 * unix socket in a temporary directory and is stopped by its pid.
 */
let server: ChildProcess;
let directory: string;
let client: Redis;
let store: RedisTokenStateStore;

async function startPrivateRedis(socket: string): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", "0", "--unixsocket", socket, "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );

  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const probe = await connectRedis(socket, { timeoutMs: 200 });
      await probe.quit();
      return child;
    } catch {
      await sleep(50);
    }
  }
  child.kill();
  throw new Error("private redis-server did not start");
}

describe("redis store when the server restarts or goes away", () => {
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), "tokenwatch-redis-"));
    const socket = join(directory, "redis.sock");
    server = await startPrivateRedis(socket);
    client = await connectRedis(socket, { timeoutMs: 500 });
    store = new RedisTokenStateStore(client, DEFAULT_CONFIG, "tw:");
  });

  after(async () => {
    await store.close();
    if (server.exitCode === null) server.kill();
    rmSync(directory, { recursive: true, force: true });
  });

  test("reloads its scripts after the server forgets them", async () => {
    await store.observe("fp-a", [obs(T0)]);
    await client.script("FLUSH");

    const [single] = await store.observe("fp-a", [obs(T0 + 1)]);
    await client.script("FLUSH");
    const [batched] = await store.observeMany([{ tokenFp: "fp-a", observations: [obs(T0 + 2)] }]);

    assert.equal(single?.totalRequests, 2);
    assert.equal(batched?.[0]?.totalRequests, 3);
  });

  test("reports a server that went away as a retriable dependency error", async () => {
    const closed = new Promise((resolve) => client.once("close", resolve));
    server.kill("SIGKILL");
    await new Promise((resolve) => server.once("exit", resolve));
    const unavailable = { code: "STATE_REDIS_UNAVAILABLE", retriable: true };

    await assert.rejects(store.observe("fp-a", [obs(T0 + 3)]), unavailable);
    await assert.rejects(
      store.observeMany([{ tokenFp: "fp-a", observations: [obs(T0 + 3)] }]),
      unavailable,
    );
    await assert.rejects(store.claimRevocation("fp-a", "d1", 1_000), unavailable);
    assert.equal(await store.ping(), false);

    await closed;
    assert.equal(store.isReady(), false);
  });
});
