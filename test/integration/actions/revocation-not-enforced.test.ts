import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Receiver, startReceiver } from "../../act/http-receiver.js";
import { readTopic, testKafka } from "../../support/kafka.js";
import { fingerprinter, type Harness, requestWith, startHarness } from "./action-harness.js";

/*
 * The closed loop against the real broker, Redis and an Alertmanager-style
 * receiver: after tokenwatch revokes a token, the gateway keeps answering it
 * with 2xx. Inside the grace period that is expected; after it, one critical
 * `revocation_not_enforced` alert.
 */

const TOKEN = "unenforced-token-PLANTED-31c7";
const FP = fingerprinter.fingerprint(TOKEN);
const TS = Date.UTC(2026, 10, 2, 11, 0, 0);
const GRACE = 60_000;
const kafka = testKafka();
let alertmanager: Receiver;
let harness: Harness;
const guardAlertsPerBatch: number[] = [];

before(async () => {
  alertmanager = await startReceiver([]);
  harness = await startHarness({
    guards: { enforcementGraceMs: GRACE },
    alertmanager: { url: alertmanager.url, minSeverity: "critical" },
  });

  const batches = [
    [requestWith(TOKEN, TS)], // revoked here
    [requestWith(TOKEN, TS + 30_000)], // 2xx inside the grace period
    [requestWith(TOKEN, TS + 90_000, { status: 401 })], // enforced: rejected
    [requestWith(TOKEN, TS + 120_000), requestWith(TOKEN, TS + 121_000)], // not enforced
    [requestWith(TOKEN, TS + 180_000)], // still not enforced: no second alert
  ];
  for (const batch of batches) {
    const result = await harness.batch(batch);
    guardAlertsPerBatch.push(result.guardAlerts?.length ?? 0);
  }
});

after(async () => {
  await harness.close();
  await alertmanager.close();
});

test("only the first 2xx past the grace period raises the alert, once", () => {
  assert.deepEqual(guardAlertsPerBatch, [0, 0, 0, 1, 0]);
});

test("the alert is on the alerts topic, naming the token, decision and delay", async () => {
  const records = await readTopic(kafka, harness.topics.alerts, {
    timeoutMs: 10_000,
    until: (found) => found.some((r) => r.value.includes("revocation_not_enforced")),
    settleMs: 500,
  });
  const guard = records
    .map((r) => JSON.parse(r.value))
    .filter((a) => a.type !== "tokenwatch.decision");
  const revoke = records.map((r) => JSON.parse(r.value)).find((a) => a.action === "revoke");

  assert.equal(guard.length, 1);
  assert.equal(guard[0].kind, "revocation_not_enforced");
  assert.equal(guard[0].severity, "critical");
  assert.equal(guard[0].token, FP);
  assert.equal(guard[0].ts, TS + 120_000);
  assert.equal(guard[0].details.decisionId, revoke.id);
  assert.equal(guard[0].details.secondsAfterRevocation, 120);
  assert.equal(guard[0].details.status, 200);
});

test("Alertmanager gets it as TokenwatchRevocationNotEnforced, critical only", () => {
  const alerts = alertmanager.requests.flatMap((r) => JSON.parse(r.body));

  assert.equal(alerts.length, 1, "the high-severity revocation is filtered out");
  assert.equal(alerts[0].labels.alertname, "TokenwatchRevocationNotEnforced");
  assert.equal(alerts[0].labels.severity, "critical");
  assert.equal(alerts[0].labels.token_fingerprint, FP);
});
