import assert from "node:assert/strict";
import { test } from "node:test";
import { TokenwatchError } from "../../src/errors.js";
import { connectConfiguredRedis, nodeSecurityFromUrl } from "../../src/state/redis-client.js";
import { freePort } from "../support/free-port.js";

test("cluster nodes take the user, password and TLS of redis.url, not its host", () => {
  assert.deepEqual(nodeSecurityFromUrl("rediss://tw:s%40cret@ignored:6379"), {
    username: "tw",
    password: "s@cret",
    tls: true,
  });
  assert.deepEqual(nodeSecurityFromUrl("redis://:only-pass@127.0.0.1:6379"), {
    password: "only-pass",
  });
  assert.deepEqual(nodeSecurityFromUrl("redis://127.0.0.1:6379"), {});
  assert.deepEqual(nodeSecurityFromUrl("/var/run/redis.sock"), {});
});

test("a cluster nobody answers for fails fast with a code and the key to check", async () => {
  const port = await freePort();
  const started = Date.now();

  await assert.rejects(
    connectConfiguredRedis(
      { url: "redis://127.0.0.1:1", cluster: { nodes: [`127.0.0.1:${port}`] } },
      { timeoutMs: 1_000 },
    ),
    (err: unknown) => {
      assert.ok(err instanceof TokenwatchError);
      assert.equal(err.code, "STATE_REDIS_UNAVAILABLE");
      assert.match(err.message, /redis\.cluster\.nodes/);
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      return true;
    },
  );
  assert.ok(Date.now() - started < 10_000, `gave up after ${Date.now() - started} ms`);
});
