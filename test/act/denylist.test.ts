import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import { Denylist, type DenylistEntry } from "../../src/act/denylist.js";
import { connectRedis } from "../../src/state/redis-client.js";
import { REDIS_URL, uniquePrefix } from "../state/redis-fixture.js";
import { deleteKeys } from "../support/secrets.js";
import { TOKEN_FP } from "./decisions.js";

const DAY = 24 * 60 * 60 * 1000;
let redis: Redis;
let denylist: Denylist;
const prefix = `${uniquePrefix()}deny:`;

before(async () => {
  redis = await connectRedis(REDIS_URL, { connectionName: "tokenwatch-test" });
  denylist = new Denylist(redis, prefix, 30 * DAY);
});

after(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

function entry(fields: Partial<DenylistEntry> = {}): DenylistEntry {
  return {
    v: 1,
    decisionId: "decision-1",
    ruleId: "many-networks-short-window",
    revokedAt: 1_793_611_935_000,
    denyUntil: null,
    publishedAt: Date.now(),
    ...fields,
  };
}

test("an entry is JSON at <prefix><fingerprint>, living until the token's exp", async () => {
  const expS = Math.floor((Date.now() + 2 * 60 * 60 * 1000) / 1000);

  await denylist.putMany([{ tokenFp: TOKEN_FP, entry: entry({ denyUntil: expS }) }]);

  const raw = await redis.get(`${prefix}${TOKEN_FP}`);
  const ttl = await redis.pttl(`${prefix}${TOKEN_FP}`);
  assert.equal(JSON.parse(raw ?? "{}").decisionId, "decision-1");
  assert.ok(ttl > 2 * 60 * 60 * 1000 - 5_000 && ttl <= 2 * 60 * 60 * 1000, `ttl ${ttl}`);
  assert.equal((await denylist.get(TOKEN_FP))?.denyUntil, expS);
});

test("without an exp an entry lives the default TTL; past its exp, an hour", async () => {
  await denylist.putMany([
    { tokenFp: "A".repeat(22), entry: entry() },
    { tokenFp: "B".repeat(22), entry: entry({ denyUntil: 1_000 }) },
  ]);

  const noExp = await redis.pttl(`${prefix}${"A".repeat(22)}`);
  const expired = await redis.pttl(`${prefix}${"B".repeat(22)}`);
  assert.ok(noExp > 30 * DAY - 5_000 && noExp <= 30 * DAY, `ttl ${noExp}`);
  assert.ok(expired > 3_595_000 && expired <= 3_600_000, `ttl ${expired}`);
});

test("getMany answers in order, null for tokens that are not denied", async () => {
  const entries = await denylist.getMany(["A".repeat(22), "C".repeat(22), TOKEN_FP]);

  assert.deepEqual(
    entries.map((e) => e?.decisionId ?? null),
    ["decision-1", null, "decision-1"],
  );
});

test("the not-enforced mark is granted once; remove clears the entry and the mark", async () => {
  assert.equal(await denylist.markAlerted(TOKEN_FP, 60_000), true);
  assert.equal(await denylist.markAlerted(TOKEN_FP, 60_000), false);

  assert.equal(await denylist.remove(TOKEN_FP), true);

  assert.equal(await denylist.get(TOKEN_FP), null);
  assert.equal(await denylist.markAlerted(TOKEN_FP, 60_000), true, "the mark was cleared too");
  assert.equal(await denylist.remove("D".repeat(22)), false);
});

test("a prefix with braces is refused: gateways compute keys without hash tags", () => {
  assert.throws(() => new Denylist(redis, "tw:{deny}:", DAY), { code: "CONFIG_INVALID" });
});
