import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { DecisionLedger } from "../../src/act/decision-ledger.js";
import { Denylist } from "../../src/act/denylist.js";
import { REVOCATION_WITHDRAWN } from "../../src/act/revocation-withdrawal.js";
import { configSchema } from "../../src/config/schema.js";
import { Metrics } from "../../src/observe/metrics.js";
import { connectRedis } from "../../src/state/redis-client.js";
import { RedisTokenStateStore } from "../../src/state/redis-store.js";
import { testDecision } from "../act/decisions.js";
import { REDIS_URL } from "../state/redis-fixture.js";
import { createTopics, KAFKA_BROKERS, readTopic, testKafka, uniqueName } from "../support/kafka.js";
import { deleteKeys } from "../support/secrets.js";

/*
 * The manual overrides as an operator runs them: the real CLI entry point in
 * a child process, against the real broker and Redis.
 */

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const FP = "OverrideTestTokenFp_01";
const keyPrefix = `${uniqueName("twcli")}:`;
const denyPrefix = `${keyPrefix}deny:`;
const topics = { revocations: uniqueName("tw-cli-rev"), audit: uniqueName("tw-cli-audit") };
const kafka = testKafka();
let redis: Redis;

function cli(args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      TOKENWATCH_KAFKA_BROKERS: KAFKA_BROKERS.join(","),
      TOKENWATCH_KAFKA_REVOCATIONS_TOPIC: topics.revocations,
      TOKENWATCH_AUDIT_TOPIC: topics.audit,
      TOKENWATCH_REDIS_URL: REDIS_URL,
      TOKENWATCH_REDIS_KEY_PREFIX: keyPrefix,
      TOKENWATCH_REVOCATIONS_DENYLIST_PREFIX: denyPrefix,
    },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(async () => {
  redis = await connectRedis(REDIS_URL, { connectionName: "tokenwatch-test" });
  await createTopics(kafka, Object.values(topics), 1);
});

after(async () => {
  await deleteKeys(redis, keyPrefix);
  redis.disconnect();
});

test("each override command has --help with an example", () => {
  for (const command of [
    ["revocations", "undo"],
    ["decisions", "false-positive"],
  ]) {
    const { code, stdout } = cli([...command, "--help"]);
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`Example:\\n  tokenwatch ${command.join(" ")} \\S+`));
  }
});

test("undo publishes a withdrawal SET and an audit record, and clears the denylist", async () => {
  const denylist = new Denylist(redis, denyPrefix, 60_000);
  const entry = {
    v: 1 as const,
    decisionId: "decision-to-undo",
    ruleId: "many-networks-short-window",
    revokedAt: Date.UTC(2026, 10, 2),
    denyUntil: null,
    publishedAt: Date.now(),
  };
  await denylist.putMany([{ tokenFp: FP, entry }]);

  const { code, stdout } = cli(["revocations", "undo", FP, "--reason", "VPN pool, ticket 4711"]);

  assert.equal(code, 0);
  assert.equal(stdout, `token ${FP}: withdrawal published, denylist entry removed\n`);
  assert.equal(await denylist.get(FP), null);
  const [withdrawal] = await readTopic(kafka, topics.revocations, {
    timeoutMs: 10_000,
    until: (r) => r.length >= 1,
  });
  const set = JSON.parse(withdrawal?.value ?? "{}");
  assert.equal(withdrawal?.key, FP, "keyed like the revocation, so it lands after it");
  assert.equal(set.txn, "decision-to-undo");
  assert.deepEqual(set.events[REVOCATION_WITHDRAWN].subject, {
    format: "opaque",
    id: FP,
    alg: "HMAC-SHA256/128/base64url",
  });
  assert.equal(set.events[REVOCATION_WITHDRAWN].reason_admin.en, "VPN pool, ticket 4711");
  assert.equal(set.events[REVOCATION_WITHDRAWN].withdrawn_decision, "decision-to-undo");
  const audits = await readTopic(kafka, topics.audit, {
    timeoutMs: 10_000,
    until: (r) => r.length >= 1,
  });
  const audit = JSON.parse(audits[0]?.value ?? "{}");
  assert.equal(audit.kind, "revocation_undone");
  assert.equal(audit.decisionId, "decision-to-undo");
  assert.equal(audit.reason, "VPN pool, ticket 4711");
});

test("undo ends every effect of a pipeline revocation, and a second undo is a no-op", async () => {
  const fp = "OverrideTestTokenFp_02";
  const ts = Date.UTC(2026, 10, 2, 9, 0, 0);
  const state = configSchema.parse({}).state;
  const store = new RedisTokenStateStore(redis, state, keyPrefix, { quitOnClose: false });
  const denylist = new Denylist(redis, denyPrefix, 60_000);
  // What the pipeline leaves behind after revoking: claim, revoked mark, denylist entry.
  await store.observe(fp, [observation(ts)]);
  await store.claimRevocation(fp, "decision-revoked-02", 3_600_000);
  await store.confirmRevocation(fp, "decision-revoked-02", ts);
  const entry = { v: 1 as const, decisionId: "decision-revoked-02", ruleId: "r", revokedAt: ts };
  await denylist.putMany([{ tokenFp: fp, entry: { ...entry, denyUntil: null, publishedAt: 0 } }]);

  const first = cli(["revocations", "undo", fp, "--reason", "ticket 4712"]);
  const [afterUndo] = await store.observe(fp, [observation(ts + 600_000)]);
  const second = cli(["revocations", "undo", fp]);

  assert.equal(first.code, 0);
  assert.equal(
    first.stdout,
    `token ${fp}: withdrawal published, denylist entry removed, revocation claim withdrawn, ` +
      "revoked mark cleared\n",
  );
  assert.equal(afterUndo?.revokedAt, 0, "revocation-not-enforced reads window.revokedAt");
  assert.equal(await store.isRevoked(fp), false);
  assert.equal(await denylist.get(fp), null);

  assert.equal(second.code, 0);
  assert.equal(
    second.stdout,
    `token ${fp}: the revocation by decision decision-revoked-02 was already withdrawn; ` +
      "nothing published\n",
  );
  const relapse = await store.claimRevocation(fp, "decision-later-sharing", 3_600_000);
  assert.deepEqual(relapse, { granted: true, holder: "decision-later-sharing" });
  const records = await readTopic(kafka, topics.revocations, { timeoutMs: 3_000, settleMs: 500 });
  const withdrawals = records.filter((r) => r.key === fp).map((r) => JSON.parse(r.value));
  assert.equal(withdrawals.length, 1, "the second undo published nothing");
  assert.equal(withdrawals[0]?.events[REVOCATION_WITHDRAWN].withdrawn_decision, entry.decisionId);
});

test("undo of a token tokenwatch never revoked exits 2 and publishes nothing", async () => {
  const fp = "AAAAAAAAAAAAAAAAAAAAAA";

  const { code, stdout, stderr } = cli(["revocations", "undo", fp, "--reason", "typo"]);

  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.match(stderr, /^tokenwatch: tokenwatch has no revocation of token AAAAAAAAAAAAAAAAAAAAAA/);
  assert.match(stderr, /check the fingerprint against the "token" of the revoke alert/);
  const records = await readTopic(kafka, topics.revocations, { timeoutMs: 3_000, settleMs: 500 });
  assert.equal(records.filter((r) => r.key === fp).length, 0);
});

test("undo refuses something that is not a fingerprint with exit code 2", () => {
  const { code, stderr } = cli(["revocations", "undo", "eyJhbGciOi.not-a.fingerprint"]);

  assert.equal(code, 2);
  assert.match(stderr, /is not a token fingerprint/);
});

test("false-positive counts once per decision and shows in the rule quality metrics", async () => {
  const ledger = new DecisionLedger(redis, keyPrefix);
  const decision = testDecision({ id: "fp-decision-0000000001", ruleId: "noisy-rule" });
  await ledger.record([
    decision,
    testDecision({ id: "fp-decision-0000000002", ruleId: "noisy-rule" }),
  ]);
  await ledger.record([decision]); // a redelivered batch does not count twice

  const first = cli(["decisions", "false-positive", decision.id, "--reason", "office NAT"]);
  const again = cli(["decisions", "false-positive", decision.id]);
  const unknown = cli(["decisions", "false-positive", "no-such-decision"]);

  assert.equal(first.code, 0);
  assert.match(
    first.stdout,
    /decision fp-decision-0000000001 \(rule noisy-rule v2, revoke of token .+\) marked as a false/,
  );
  assert.equal(again.code, 0);
  assert.match(again.stdout, /was already marked/);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no decision no-such-decision in the ledger/);

  const metrics = new Metrics();
  await metrics.refreshRuleQuality(() => ledger.quality());
  const text = await metrics.registry.metrics();
  assert.match(text, /tokenwatch_rule_decisions\{rule="noisy-rule"\} 2\n/);
  assert.match(text, /tokenwatch_rule_false_positives\{rule="noisy-rule"\} 1\n/);
});

/** A 2xx request of the token, as the pipeline hands it to the state store. */
function observation(ts: number) {
  return {
    ts,
    network: "198.51.100.7",
    userAgent: "curl",
    status: 200,
    partitionKey: "gateway-logs/0",
    offset: null,
    expiresAt: null,
  };
}
