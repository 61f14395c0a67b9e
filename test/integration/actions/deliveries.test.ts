import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, test } from "node:test";
import { compactVerify, decodeProtectedHeader, importSPKI } from "jose";
import { SESSION_REVOKED } from "../../../src/act/revocation-event.js";
import { SIGNATURE_HEADERS, verifyBody } from "../../../src/act/webhook-signature.js";
import { type Receiver, startReceiver } from "../../act/http-receiver.js";
import { readTopic, testKafka } from "../../support/kafka.js";
import { leakedSecrets } from "../../support/secrets.js";
import { fingerprinter, type Harness, requestWith, startHarness } from "./action-harness.js";

/*
 * One revocation through every output at once, against the real broker, the
 * real Redis and real local HTTP servers: a webhook that fails, times out and
 * then accepts; one that never accepts (→ dead letter); an Alertmanager.
 */

const TOKEN = "stolen-bearer-token-PLANTED-5f2c9a";
const FP = fingerprinter.fingerprint(TOKEN);
const TS = Date.UTC(2026, 10, 2, 9, 30, 0);
const FLAKY_SECRET = "flaky-webhook-secret-000001";
const DEAD_SECRET = "dead-webhook-secret-0000001";
const TIMEOUT_MS = 400;

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const kafka = testKafka();
let flaky: Receiver;
let dead: Receiver;
let alertmanager: Receiver;
let revocationApi: Receiver;
let harness: Harness;
let elapsedMs = 0;

before(async () => {
  flaky = await startReceiver(["fail", "timeout"]);
  dead = await startReceiver([], "fail");
  alertmanager = await startReceiver([]);
  revocationApi = await startReceiver(["fail"]);
  harness = await startHarness({
    revocations: {
      signingKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      signingKeyId: "it-key",
      httpUrl: `${revocationApi.url}/revoke`,
      httpBearer: "idp-admin-bearer-PLANTED-77",
    },
    webhooks: {
      endpoints: [
        { name: "flaky", url: `${flaky.url}/hook`, secret: FLAKY_SECRET, minSeverity: "high" },
        { name: "dead", url: `${dead.url}/hook`, secret: DEAD_SECRET, minSeverity: "low" },
      ],
      timeoutMs: TIMEOUT_MS,
      attempts: 3,
      backoffMs: 100,
      maxBackoffMs: 200,
      deadlineMs: 5_000,
    },
    alertmanager: { url: alertmanager.url, minSeverity: "high" },
  });

  const started = Date.now();
  await harness.batch([requestWith(TOKEN, TS)]);
  elapsedMs = Date.now() - started;
});

after(async () => {
  await harness.close();
  for (const r of [flaky, dead, alertmanager, revocationApi]) await r.close();
});

test("the flaky webhook is retried after a 500 and a timeout, and the third attempt lands", () => {
  assert.deepEqual(
    flaky.requests.map((r) => r.behaviour),
    ["fail", "timeout", "accept"],
  );
  const bodies = new Set(flaky.requests.map((r) => r.body));
  assert.equal(bodies.size, 1, "every attempt carries the same body");
  for (const request of flaky.requests) {
    const headers = {
      timestamp: request.headers[SIGNATURE_HEADERS.timestamp] as string,
      signature: request.headers[SIGNATURE_HEADERS.signature] as string,
    };
    assert.equal(verifyBody(FLAKY_SECRET, headers, request.body), true);
    assert.equal(verifyBody(DEAD_SECRET, headers, request.body), false);
  }
  const body = JSON.parse(flaky.requests[2]?.body ?? "{}");
  assert.equal(body.type, "tokenwatch.decision");
  assert.equal(body.action, "revoke");
  assert.equal(body.token, FP);
  assert.equal(body.ruleId, "fires-on-everything");
  assert.equal(flaky.requests[2]?.headers[SIGNATURE_HEADERS.id], body.id);
  // Backoff (≤ 200 ms each) plus one timeout bound the retries from both sides.
  const span = (flaky.requests[2]?.at ?? 0) - (flaky.requests[0]?.at ?? 0);
  assert.ok(span >= TIMEOUT_MS && span < TIMEOUT_MS + 2 * 200 + 500, `span ${span} ms`);
});

test("the dead webhook gets exactly three attempts, then a dead letter on the topic", async () => {
  const letters = await readTopic(kafka, harness.topics.actionsDeadLetter, {
    timeoutMs: 10_000,
    until: (records) => records.length >= 1,
  });

  assert.equal(dead.requests.length, 3);
  assert.equal(letters.length, 1);
  const letter = JSON.parse(letters[0]?.value ?? "{}");
  assert.equal(letter.type, "tokenwatch.delivery_failed");
  assert.equal(letter.sink, "webhook");
  assert.equal(letter.endpoint, "dead");
  assert.equal(letter.lastError, "HTTP 500");
  assert.deepEqual(
    letter.attempts.map((a: { result: string }) => a.result),
    ["http_error", "http_error", "http_error"],
  );
  assert.equal(letter.body.token, FP);
  assert.equal(letters[0]?.key, letter.ids[0]);
});

test("a batch whose webhooks fail is still bounded by the delivery deadline", () => {
  // deadlineMs (5 s) + one timeout is the bound; this batch needs far less.
  assert.ok(elapsedMs < 5_000 + TIMEOUT_MS, `batch took ${elapsedMs} ms`);
});

test("Alertmanager receives the revocation as a v2 alert", () => {
  assert.equal(alertmanager.requests.length, 1);
  assert.equal(alertmanager.requests[0]?.url, "/api/v2/alerts");
  const [alert] = JSON.parse(alertmanager.requests[0]?.body ?? "[]");
  assert.equal(alert.labels.alertname, "TokenwatchDecision");
  assert.equal(alert.labels.severity, "high");
  assert.equal(alert.labels.token_fingerprint, FP);
  assert.equal(alert.startsAt, new Date(TS).toISOString());
});

test("a revocation is a signed SET on the topic, in the denylist and sent over HTTP", async () => {
  const [record] = await readTopic(kafka, harness.topics.revocations, {
    timeoutMs: 10_000,
    until: (records) => records.length >= 1,
  });
  const jws = record?.value ?? "";
  const key = await importSPKI(
    publicKey.export({ type: "spki", format: "pem" }).toString(),
    "ES256",
  );
  const { payload } = await compactVerify(jws, key);
  const set = JSON.parse(new TextDecoder().decode(payload));

  assert.equal(record?.key, FP);
  assert.deepEqual(decodeProtectedHeader(jws), {
    alg: "ES256",
    typ: "secevent+jwt",
    kid: "it-key",
  });
  assert.equal(set.events[SESSION_REVOKED].token_fingerprint, FP);
  assert.deepEqual(set.events[SESSION_REVOKED].rule, { id: "fires-on-everything", version: 3 });

  const entry = JSON.parse(
    (await harness.redis.get(`${harness.config.revocations.denylistPrefix}${FP}`)) ?? "{}",
  );
  assert.equal(entry.decisionId, set.jti);
  assert.equal(entry.revokedAt, TS);

  assert.deepEqual(
    revocationApi.requests.map((r) => r.behaviour),
    ["fail", "accept"],
  );
  assert.equal(revocationApi.requests[1]?.body, jws);
  assert.equal(revocationApi.requests[1]?.headers["content-type"], "application/secevent+jwt");
  assert.equal(
    revocationApi.requests[1]?.headers.authorization,
    "Bearer idp-admin-bearer-PLANTED-77",
  );
});

test("the audit topic holds the decision with its evidence and the policy in force", async () => {
  const [record] = await readTopic(kafka, harness.topics.audit, {
    timeoutMs: 10_000,
    until: (records) => records.length >= 1,
  });
  const audit = JSON.parse(record?.value ?? "{}");

  assert.equal(record?.key, FP);
  assert.equal(audit.type, "tokenwatch.audit");
  assert.equal(audit.kind, "decision");
  assert.equal(audit.action, "revoke");
  assert.deepEqual(audit.findings[0].evidence, { "window.requests1h": 1 });
  assert.deepEqual(audit.policy, { dryRun: false, revokeScore: 80 });
  assert.deepEqual(audit.targets, ["revocations_topic", "denylist", "revocation_http"]);
});

test("no raw token reaches a topic or an HTTP payload", async () => {
  const topics = Object.values(harness.topics);
  const records = await Promise.all(topics.map((t) => readTopic(kafka, t, { timeoutMs: 3_000 })));
  const everything = [
    ...records.flat().map((r) => `${r.key} ${r.value}`),
    ...[flaky, dead, alertmanager].flatMap((r) =>
      r.requests.map((q) => `${JSON.stringify(q.headers)} ${q.body}`),
    ),
  ].join("\n");

  assert.ok(everything.includes(FP), "the scan covers real output");
  assert.deepEqual(leakedSecrets(everything, [TOKEN, FLAKY_SECRET, DEAD_SECRET]), []);
});
