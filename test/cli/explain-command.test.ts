import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config/load-config.js";
import { StateKeys } from "../../src/state/state-keys.js";
import type { TokenObservation } from "../../src/state/token-state-store.js";
import { REDIS_URL, redisStoreUnderTest } from "../state/redis-fixture.js";

/*
 * `tokenwatch explain`, run as a user runs it: the built CLI, against a
 * replay of the bundled example and against a real Redis under a key
 * prefix of its own.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(ROOT, "dist/cli/main.js");
/** The example's shared JWT under the development key (see replay-command.test.ts). */
const SHARED = "YpIT6XGUc5mcSAlOCRronw";

function tokenwatch(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.TOKENWATCH_FINGERPRINT_KEY;
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("explain --replay prints the shared token's windows, baseline and revocation", () => {
  const { code, stdout } = tokenwatch([
    "explain",
    SHARED,
    "--replay",
    "examples/gateway-logs.ndjson",
  ]);

  assert.equal(code, 0);
  assert.match(stdout, /^token YpIT6XGUc5mcSAlOCRronw {2}\(replay of examples/);
  assert.match(stdout, /requests {11}42\n/);
  assert.match(stdout, /networks5m {9}7\n/);
  assert.match(stdout, /requests\/minute {4}mean 1\.21, median 1, max 6 over 33 minutes/);
  assert.match(stdout, /Mon {14}\| {9}= {14}\|/);
  assert.match(stdout, /REVOKE {2}many-networks-short-window {2}risk 90/);
  assert.match(stdout, /revoked {12}yes \(decision /);
});

test("explain --json gives the same explanation as one object", () => {
  const { code, stdout } = tokenwatch([
    "explain",
    SHARED,
    "--replay",
    "examples/gateway-logs.ndjson",
    "--json",
  ]);
  const explanation = JSON.parse(stdout);

  assert.equal(code, 0);
  assert.equal(explanation.tokenFp, SHARED);
  assert.equal(explanation.totalRequests, 42);
  assert.equal(explanation.networks.length, 7);
  assert.deepEqual(
    explanation.decisions.map((d: { action: string; ruleId: string }) => [d.action, d.ruleId]),
    [["revoke", "many-networks-short-window"]],
  );
});

test("explain reads a token's windows from Redis and writes nothing", async () => {
  const { config } = loadConfig(null);
  const redis = await redisStoreUnderTest(config.state);
  try {
    const tokenFp = "ExplainTestToken000001";
    const at = Date.parse("2026-11-02T09:10:00Z");
    const seen = (ts: number, network: string, userAgent: string): TokenObservation => ({
      ts,
      network,
      userAgent,
      status: 200,
      partitionKey: "gateway-logs/0",
      offset: null,
      expiresAt: null,
    });
    await redis.store.observe(tokenFp, [
      seen(at - 30 * 60_000, "198.51.100.7", "curl"),
      seen(at - 2 * 60_000, "198.51.100.7", "curl"),
      seen(at, "203.0.113.9", "okhttp"),
    ]);
    const keys = await redis.client.keys(`${redis.prefix}*`);
    const before = await Promise.all(keys.map((key) => redis.client.dump(key)));

    const env = { TOKENWATCH_REDIS_URL: REDIS_URL, TOKENWATCH_REDIS_KEY_PREFIX: redis.prefix };
    const { code, stdout, stderr } = tokenwatch(["explain", tokenFp], env);

    assert.equal(code, 0, stderr);
    assert.match(stdout, /requests1h {9}3\n/);
    assert.match(stdout, /requests5m {9}2\n/);
    assert.match(stdout, /networks5m {9}2\n/);
    assert.match(stdout, /userAgents1h {7}2\n/);
    assert.match(stdout, /last seen {10}2026-11-02T09:10:00\.000Z/);
    assert.match(stdout, /revoked {12}no/);
    const after = await Promise.all(keys.map((key) => redis.client.dump(key)));
    assert.deepEqual(after, before);
  } finally {
    await redis.dispose();
  }
});

test("explain shows the revoking decision's id without the delivered mark", async () => {
  const { config } = loadConfig(null);
  const redis = await redisStoreUnderTest(config.state);
  try {
    const tokenFp = "ExplainTestToken000002";
    const at = Date.parse("2026-11-02T09:10:00Z");
    await redis.store.observe(tokenFp, [
      {
        ts: at,
        network: "198.51.100.7",
        userAgent: "curl",
        status: 200,
        partitionKey: "gateway-logs/0",
        offset: null,
        expiresAt: null,
      },
    ]);
    // What confirm-revocation-3.lua leaves once the revocation was delivered.
    const claim = new StateKeys(redis.prefix).forToken(tokenFp).revocation;
    await redis.client.set(claim, "MyxF3H-decision-0001:done");

    const env = { TOKENWATCH_REDIS_URL: REDIS_URL, TOKENWATCH_REDIS_KEY_PREFIX: redis.prefix };
    const { code, stdout, stderr } = tokenwatch(["explain", tokenFp], env);

    assert.equal(code, 0, stderr);
    assert.match(stdout, /revoked {12}yes \(decision MyxF3H-decision-0001\)\n/);
    assert.equal(stdout.includes(":done"), false);

    // After `revocations undo` the claim is kept, marked withdrawn: not revoked any more.
    await redis.client.set(claim, "MyxF3H-decision-0001:withdrawn");
    const undone = tokenwatch(["explain", tokenFp], env);
    assert.equal(undone.code, 0, undone.stderr);
    assert.match(
      undone.stdout,
      /revoked {12}no \(decision MyxF3H-decision-0001's revocation withdrawn\)\n/,
    );
    assert.equal(undone.stdout.includes(":withdrawn"), false);
  } finally {
    await redis.dispose();
  }
});

test("explain of a token Redis does not hold says how to find the right one, exit 2", () => {
  const env = { TOKENWATCH_REDIS_URL: REDIS_URL, TOKENWATCH_REDIS_KEY_PREFIX: "twtest:none:" };
  const { code, stdout, stderr } = tokenwatch(["explain", "NoSuchTokenHere0000000"], env);

  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.match(stderr, /^tokenwatch: no state for token NoSuchTokenHere0000000 .*redis\.keyPrefix/);
  assert.equal(stderr.trim().split("\n").length, 1);
});

test("explain refuses a raw token without echoing it or printing a stack trace", () => {
  const raw = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ";
  const { code, stderr } = tokenwatch(["explain", raw]);

  assert.equal(code, 2);
  assert.match(stderr, /not a token fingerprint; pass the 22-character fingerprint/);
  assert.equal(stderr.includes(raw), false);
  assert.equal(/\n\s+at /.test(stderr), false);
});
