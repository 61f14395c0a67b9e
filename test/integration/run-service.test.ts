import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import {
  type ConsumedRecord,
  createTopics,
  KAFKA_BROKERS,
  produce,
  readTopic,
  testKafka,
  uniqueName,
} from "../support/kafka.js";
import { deleteKeys, dumpRedis, leakedSecrets } from "../support/secrets.js";
import { type ServiceProcess, startService } from "../support/service-process.js";

/*
 * End to end against the real broker and the real Redis: real-format Kong and
 * APISIX events go into Kafka while `tokenwatch run` runs as a separate
 * process; we then read what it published and what it stored.
 */

// Copies of the public gateway samples, kept in the repository.
const SAMPLES = new URL("../fixtures/formats/", import.meta.url);
const FINGERPRINT_KEY = "integration-test-fingerprint-key-0001";
const START = Date.parse("2026-11-03T10:00:00Z");

// Planted secrets: none of these may appear in Redis, a topic or the logs.
const SHARED_JWT_SECRET = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(
  JSON.stringify({ sub: "shared-user", iss: "https://id.example.test", exp: START / 1000 + 7200 }),
).toString("base64url")}.c2hhcmVkLXNpZ25hdHVyZS1zZWNyZXQtcGxhbnRlZA`;
const STEADY_API_KEY = "steady-apikey-PLANTED-7d1f0c9a";
const SECRETS = [SHARED_JWT_SECRET, STEADY_API_KEY, "c2hhcmVkLXNpZ25hdHVyZS1zZWNyZXQtcGxhbnRlZA"];

const kong = JSON.parse(readFileSync(new URL("kong.json", SAMPLES), "utf8"));
const apisix = JSON.parse(readFileSync(new URL("apisix.json", SAMPLES), "utf8"));

// A person's browser: the sample's curl agent would make the token a learned machine
// (service) token, which fans out legitimately and is exempt from the sharing rule.
const BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36";

/** An APISIX kafka-logger record for the shared (person's) token, from `ip` at `ts`. */
function sharedTokenEvent(ts: number, ip: string): object {
  const headers = {
    ...apisix.request.headers,
    "user-agent": BROWSER,
    authorization: `Bearer ${SHARED_JWT_SECRET}`,
  };
  return { ...apisix, start_time: ts, client_ip: ip, request: { ...apisix.request, headers } };
}

/** A Kong log-serializer record for the steady API-key token. */
function steadyTokenEvent(ts: number): object {
  return {
    ...kong,
    started_at: ts,
    client_ip: "203.0.113.10",
    request: {
      ...kong.request,
      url: "https://api.example.test/log",
      headers: { ...kong.request.headers, apikey: STEADY_API_KEY },
    },
  };
}

const fingerprints = new Fingerprinter(FINGERPRINT_KEY);
const sharedFp = fingerprints.fingerprint(SHARED_JWT_SECRET);
const steadyFp = fingerprints.fingerprint(STEADY_API_KEY);

let kafka: Kafka;
let redis: Redis;
const topics = {
  logs: uniqueName("tw-it-logs"),
  alerts: uniqueName("tw-it-alerts"),
  revocations: uniqueName("tw-it-revocations"),
  deadLetter: uniqueName("tw-it-dlq"),
};
const keyPrefix = `${uniqueName("twit")}:`;
const groupId = uniqueName("tw-it-group");
const logs: string[] = [];

function serviceEnv(group: string): Record<string, string> {
  return {
    TOKENWATCH_KAFKA_BROKERS: KAFKA_BROKERS.join(","),
    TOKENWATCH_KAFKA_TOPICS: topics.logs,
    TOKENWATCH_KAFKA_GROUP_ID: group,
    TOKENWATCH_KAFKA_ALERTS_TOPIC: topics.alerts,
    TOKENWATCH_KAFKA_REVOCATIONS_TOPIC: topics.revocations,
    TOKENWATCH_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetter,
    TOKENWATCH_REDIS_KEY_PREFIX: keyPrefix,
    TOKENWATCH_FINGERPRINT_KEY: FINGERPRINT_KEY,
    TOKENWATCH_SERVER_PORT: "0",
    TOKENWATCH_LOG_LEVEL: "debug",
  };
}

async function runUntil(
  group: string,
  done: () => Promise<boolean>,
  timeoutMs: number,
): Promise<ServiceProcess> {
  const service = startService(["run"], serviceEnv(group));
  await service.waitFor('"msg":"consuming"', 30_000);
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return service;
}

function forToken(records: ConsumedRecord[], fp: string): ConsumedRecord[] {
  return records.filter((record) => record.key === fp);
}

before(async () => {
  kafka = testKafka();
  redis = new Redis(process.env.TOKENWATCH_TEST_REDIS ?? "redis://127.0.0.1:6379");
  await createTopics(kafka, Object.values(topics));

  // 30 minutes of steady use of both tokens from one network each…
  const messages: { key: string; value: string }[] = [];
  for (let minute = 0; minute < 30; minute++) {
    const ts = START + minute * 60_000;
    messages.push({ key: "steady", value: JSON.stringify(steadyTokenEvent(ts)) });
    messages.push({ key: "shared", value: JSON.stringify(sharedTokenEvent(ts, "198.51.100.23")) });
  }
  // …then the shared token shows up on eight networks within four minutes,
  // two of them batched in one message as a JSON array.
  const networks = ["203.0.113.50", "192.0.2.77", "2001:db8:17::9", "198.18.4.12", "100.64.2.9"];
  networks.forEach((ip, i) => {
    const ts = START + 31 * 60_000 + i * 30_000;
    messages.push({ key: "shared", value: JSON.stringify(sharedTokenEvent(ts, ip)) });
  });
  const batched = [
    sharedTokenEvent(START + 34 * 60_000, "203.0.113.201"),
    sharedTokenEvent(START + 34 * 60_000 + 5_000, "198.51.100.99"),
  ];
  messages.push({ key: "shared", value: JSON.stringify(batched) });
  await produce(kafka, topics.logs, messages);
});

after(async () => {
  await deleteKeys(redis, keyPrefix);
  redis.disconnect();
});

test("a token used from many networks within minutes is revoked exactly once", async () => {
  const service = await runUntil(
    groupId,
    async () => (await readTopic(kafka, topics.revocations, { timeoutMs: 1_000 })).length > 0,
    90_000,
  );
  const code = await service.stop("SIGTERM");
  logs.push(service.output());

  const revocations = await readTopic(kafka, topics.revocations, { timeoutMs: 5_000 });
  const alerts = await readTopic(kafka, topics.alerts, { timeoutMs: 5_000 });

  assert.equal(code, 0, "the service exits cleanly on SIGTERM");
  assert.equal(revocations.length, 1);
  assert.equal(revocations[0]?.key, sharedFp);
  const event = JSON.parse(revocations[0]?.value ?? "{}");
  const payload = Object.values(event.events)[0] as Record<string, unknown>;
  assert.equal(payload.token_fingerprint, sharedFp);
  assert.equal((payload.rule as { id: string }).id, "many-networks-short-window");
  assert.ok(forToken(alerts, sharedFp).length >= 1, "the shared token raised an alert");
});

test("a token used steadily from one network gets no alert and no revocation", async () => {
  const alerts = await readTopic(kafka, topics.alerts, { timeoutMs: 3_000 });
  const revocations = await readTopic(kafka, topics.revocations, { timeoutMs: 3_000 });

  assert.deepEqual(forToken(alerts, steadyFp), []);
  assert.deepEqual(forToken(revocations, steadyFp), []);
});

test("restarting the service, even re-reading the whole topic, does not revoke again", async () => {
  // More use of the shared token from new networks after the revocation.
  const later = ["198.51.100.200", "203.0.113.9", "192.0.2.200"].map((ip, i) => ({
    key: "shared",
    value: JSON.stringify(sharedTokenEvent(START + 40 * 60_000 + i * 10_000, ip)),
  }));
  await produce(kafka, topics.logs, later);

  // Same group (resumes after the committed offsets), then a new group (re-reads everything).
  for (const group of [groupId, uniqueName("tw-it-regroup")]) {
    const service = startService(["run"], serviceEnv(group));
    await service.waitFor('"msg":"consuming"', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    assert.equal(await service.stop("SIGTERM"), 0);
    logs.push(service.output());
  }

  const revocations = await readTopic(kafka, topics.revocations, { timeoutMs: 5_000 });
  assert.equal(revocations.length, 1, "still exactly one revocation");
});

test("no planted secret reaches Redis, any topic or the logs", async () => {
  const everything = [
    await dumpRedis(redis, keyPrefix),
    ...(await Promise.all(
      [topics.alerts, topics.revocations, topics.deadLetter].map(async (topic) =>
        (
          await readTopic(kafka, topic, { timeoutMs: 3_000 })
        )
          .map((record) => `${record.key} ${record.value}`)
          .join("\n"),
      ),
    )),
    ...logs,
  ].join("\n");

  assert.ok(everything.includes(sharedFp), "the scan covers real output");
  assert.deepEqual(leakedSecrets(everything, SECRETS), []);
});
