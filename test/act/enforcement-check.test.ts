import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { Denylist } from "../../src/act/denylist.js";
import { EnforcementCheck } from "../../src/act/enforcement-check.js";
import { Metrics } from "../../src/observe/metrics.js";
import { connectRedis } from "../../src/state/redis-client.js";
import { tokenEvent } from "../decide/guard-support.js";
import { REDIS_URL, uniquePrefix } from "../state/redis-fixture.js";
import { deleteKeys } from "../support/secrets.js";

const REVOKED_AT = Date.UTC(2026, 10, 2, 9, 0, 0);
const GRACE = 60_000;
const REVOKED = "R".repeat(22);
const CLEAN = "C".repeat(22);
let redis: Redis;
let denylist: Denylist;
const prefix = `${uniquePrefix()}deny:`;

before(async () => {
  redis = await connectRedis(REDIS_URL, { connectionName: "tokenwatch-test" });
  denylist = new Denylist(redis, prefix, 60_000);
  const entry = {
    v: 1 as const,
    decisionId: "decision-7",
    ruleId: "fires-on-everything",
    revokedAt: REVOKED_AT,
    denyUntil: null,
    publishedAt: Date.now(),
  };
  await denylist.putMany([{ tokenFp: REVOKED, entry }]);
});

after(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const check = (metrics = new Metrics()) =>
  new EnforcementCheck(denylist, GRACE, metrics, pino({ level: "silent" }));

test("401s, 2xx inside the grace period and tokens never revoked raise nothing", async () => {
  const alerts = await check().check([
    tokenEvent(REVOKED, REVOKED_AT + 30_000, 1, { status: 200 }),
    tokenEvent(REVOKED, REVOKED_AT + 5 * 60_000, 2, { status: 401 }),
    tokenEvent(CLEAN, REVOKED_AT + 5 * 60_000, 3, { status: 200 }),
  ]);

  assert.deepEqual(alerts, []);
});

test("a 2xx after the grace period raises one critical alert, once per token", async () => {
  const metrics = new Metrics();
  const late = REVOKED_AT + 90_000;

  const first = await check(metrics).check([
    tokenEvent(REVOKED, REVOKED_AT + 30_000, 4, { status: 200 }),
    tokenEvent(REVOKED, late, 5, { status: 204, routeId: "orders" }),
    tokenEvent(REVOKED, late + 1_000, 6, { status: 200 }),
  ]);
  // Another process, a later batch: the mark in Redis keeps it to one alert.
  const second = await check().check([tokenEvent(REVOKED, late + 60_000, 7, { status: 200 })]);

  assert.equal(first.length, 1);
  assert.equal(first[0]?.kind, "revocation_not_enforced");
  assert.equal(first[0]?.severity, "critical");
  assert.equal(first[0]?.tokenFp, REVOKED);
  assert.equal(first[0]?.ts, late, "names the first 2xx past the grace period");
  assert.deepEqual(first[0]?.details, {
    decisionId: "decision-7",
    ruleId: "fires-on-everything",
    revokedAt: REVOKED_AT,
    status: 204,
    routeId: "orders",
    gateway: "kong",
    secondsAfterRevocation: 90,
  });
  assert.deepEqual(second, []);
  const text = await metrics.registry.metrics();
  assert.match(text, /tokenwatch_guard_alerts_total\{kind="revocation_not_enforced"\} 1/);
});
