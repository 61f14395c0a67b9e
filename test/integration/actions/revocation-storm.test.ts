import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SIGNATURE_HEADERS, verifyBody } from "../../../src/act/webhook-signature.js";
import { type Receiver, startReceiver } from "../../act/http-receiver.js";
import { type ConsumedRecord, readTopic, testKafka } from "../../support/kafka.js";
import {
  awayFromMinuteEdge,
  fingerprinter,
  type Harness,
  requestWith,
  startHarness,
} from "./action-harness.js";

/*
 * A rule that fires on every token, twelve tokens, a budget of four a minute:
 * four revocations, a storm alert, and every decision still on the alerts
 * topic and at the webhook. Real broker, Redis and HTTP receiver.
 */

const BUDGET = 4;
const TOKENS = Array.from({ length: 12 }, (_, i) => `storm-token-PLANTED-${i}-8c1e`);
const TS = Date.UTC(2026, 10, 2, 10, 0, 0);
const SECRET = "storm-webhook-secret-00001";
const kafka = testKafka();
let receiver: Receiver;
let harness: Harness;
let alerts: ConsumedRecord[];
let revocations: ConsumedRecord[];

before(async () => {
  receiver = await startReceiver([]);
  harness = await startHarness({
    guards: { revocationsPerMinute: BUDGET, revocationsPerConsumerPerMinute: 100 },
    webhooks: {
      endpoints: [{ name: "soc", url: receiver.url, secret: SECRET, minSeverity: "low" }],
    },
  });
  // The budget counts wall-clock minutes; keep the whole run inside one.
  await awayFromMinuteEdge(20_000);
  // Two batches, so the storm spans batches as it would in the service.
  const events = TOKENS.map((token, i) =>
    requestWith(token, TS + i * 1_000, { consumerId: `c${i}` }),
  );
  await harness.batch(events.slice(0, 6));
  await harness.batch(events.slice(6));

  alerts = await readTopic(kafka, harness.topics.alerts, {
    timeoutMs: 15_000,
    until: (records) => records.length >= TOKENS.length + 1,
    settleMs: 1_000,
  });
  revocations = await readTopic(kafka, harness.topics.revocations, {
    timeoutMs: 10_000,
    until: (records) => records.length >= BUDGET,
    settleMs: 1_000,
  });
});

after(async () => {
  await harness.close();
  await receiver.close();
});

const parsed = (records: ConsumedRecord[]) => records.map((r) => JSON.parse(r.value));

test("revocations stop at the budget", () => {
  const revokedFps = revocations.map((r) => r.key).sort();
  const firstFour = TOKENS.slice(0, BUDGET)
    .map((t) => fingerprinter.fingerprint(t))
    .sort();

  assert.equal(revocations.length, BUDGET);
  assert.deepEqual(revokedFps, firstFour);
});

test("every token still has its decision on the alerts topic, the refused ones as alerts", () => {
  const decisions = parsed(alerts).filter((a) => a.type === "tokenwatch.decision");

  assert.equal(decisions.length, TOKENS.length);
  assert.equal(new Set(decisions.map((d) => d.token)).size, TOKENS.length);
  const refused = decisions.filter((d) => d.action === "alert");
  assert.equal(refused.length, TOKENS.length - BUDGET);
  assert.ok(refused.every((d) => d.requestedAction === "revoke"));
  assert.ok(refused.every((d) => d.guard === "revocation_budget"));
});

test("exactly one critical revocation storm alert is raised", () => {
  const storms = parsed(alerts).filter((a) => a.type === "tokenwatch.guard_alert");

  assert.equal(storms.length, 1);
  assert.equal(storms[0].kind, "revocation_storm");
  assert.equal(storms[0].severity, "critical");
  assert.equal(storms[0].details.scope, "global");
  assert.equal(storms[0].details.limit, BUDGET);
});

test("the webhook got every decision and the storm alert, all correctly signed", () => {
  const bodies = receiver.requests.map((r) => JSON.parse(r.body));

  assert.equal(receiver.requests.length, TOKENS.length + 1);
  assert.equal(bodies.filter((b) => b.kind === "revocation_storm").length, 1);
  for (const request of receiver.requests) {
    const headers = {
      timestamp: request.headers[SIGNATURE_HEADERS.timestamp] as string,
      signature: request.headers[SIGNATURE_HEADERS.signature] as string,
    };
    assert.equal(verifyBody(SECRET, headers, request.body), true);
  }
});

test("the metrics count the refusals and the storm", async () => {
  const text = await harness.metrics.registry.metrics();

  assert.match(text, /tokenwatch_revocations_total\{outcome="published"\} 4\n/);
  assert.match(text, /tokenwatch_revocations_total\{outcome="budget_exceeded"\} 8\n/);
  assert.match(text, /tokenwatch_guard_alerts_total\{kind="revocation_storm"\} 1\n/);
});
