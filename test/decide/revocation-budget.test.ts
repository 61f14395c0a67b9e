import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import {
  MemoryRevocationBudget,
  RedisRevocationBudget,
  type RevocationBudget,
} from "../../src/decide/revocation-budget.js";
import { connectRedis } from "../../src/state/redis-client.js";
import { REDIS_URL, uniquePrefix } from "../state/redis-fixture.js";
import { deleteKeys } from "../support/secrets.js";

const NOW = Date.UTC(2026, 10, 2, 9, 0, 30);
const LIMITS = { perMinute: 3, perConsumerPerMinute: 2 };
let redis: Redis;
const prefix = uniquePrefix();

before(async () => {
  redis = await connectRedis(REDIS_URL, { connectionName: "tokenwatch-test" });
});

after(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const budgets: Array<[string, () => RevocationBudget]> = [
  ["redis", () => new RedisRevocationBudget(redis, `${prefix}${Math.random()}:`, LIMITS)],
  ["memory", () => new MemoryRevocationBudget(LIMITS)],
];

for (const [name, make] of budgets) {
  test(`${name}: grants up to the limits, then refuses with the scope that ran out`, async () => {
    const budget = make();

    const verdicts = [
      await budget.take("alice", NOW),
      await budget.take("alice", NOW),
      await budget.take("alice", NOW),
      await budget.take("bob", NOW),
      await budget.take("carol", NOW),
      await budget.take("dave", NOW + 1_000),
    ];

    assert.deepEqual(
      verdicts.map((v) => (v.granted ? "granted" : `${v.scope}:${v.firstRefusal}`)),
      ["granted", "granted", "consumer:true", "granted", "global:true", "global:false"],
    );
    const refused = verdicts[4];
    assert.ok(refused && !refused.granted);
    assert.equal(refused.limit, 3);
    assert.equal(refused.windowStart, Date.UTC(2026, 10, 2, 9, 0, 0));
  });

  test(`${name}: revocations without a consumer id use only the global budget`, async () => {
    const budget = make();

    const anonymous = [];
    for (let i = 0; i < 4; i++) anonymous.push(await budget.take(null, NOW));
    await budget.refund(null, NOW);
    const afterRefund = await budget.take(null, NOW);
    const alice = await budget.take("alice", NOW + 60_000);

    assert.deepEqual(
      anonymous.map((v) => (v.granted ? "granted" : `${v.scope}:${v.limit}`)),
      ["granted", "granted", "granted", "global:3"],
    );
    assert.equal(afterRefund.granted, true, "the refund gave the global slot back");
    assert.equal(alice.granted, true, "no consumer's budget was charged");
  });

  test(`${name}: a refund frees a slot, and a new minute starts afresh`, async () => {
    const budget = make();
    for (let i = 0; i < 3; i++) await budget.take(`c${i}`, NOW);

    const full = await budget.take("x", NOW);
    await budget.refund("c0", NOW);
    const refunded = await budget.take("y", NOW);
    const nextMinute = await budget.take("z", NOW + 60_000);

    assert.equal(full.granted, false);
    assert.equal(refunded.granted, true);
    assert.equal(nextMinute.granted, true);
  });
}

test("redis: two budgets on one prefix (two processes) share the count", async () => {
  const shared = `${prefix}shared:`;
  const a = new RedisRevocationBudget(redis, shared, LIMITS);
  const b = new RedisRevocationBudget(redis, shared, LIMITS);

  const granted = [];
  for (let i = 0; i < 6; i++) granted.push((await (i % 2 ? a : b).take(`c${i}`, NOW)).granted);

  assert.deepEqual(granted, [true, true, true, false, false, false]);
  const keys = await redis.keys(`${shared}*`);
  assert.ok(
    keys.every((key) => key.includes("{budget}")),
    "one hash tag for every budget key",
  );
});
