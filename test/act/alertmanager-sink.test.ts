import assert from "node:assert/strict";
import { after, test } from "node:test";
import { pino } from "pino";
import { AlertmanagerSink } from "../../src/act/alertmanager-sink.js";
import { guardAlert } from "../../src/act/guard-alert.js";
import { decisionNotification, guardNotification } from "../../src/act/notification.js";
import { configSchema } from "../../src/config/schema.js";
import { Metrics } from "../../src/observe/metrics.js";
import { TOKEN_FP, testDecision } from "./decisions.js";
import { type Receiver, startReceiver } from "./http-receiver.js";

const log = pino({ level: "silent" });
const DEFAULTS = configSchema.parse({});
const retry = {
  ...DEFAULTS.webhooks,
  timeoutMs: 300,
  attempts: 2,
  backoffMs: 10,
  maxBackoffMs: 20,
};
let receiver: Receiver;

after(async () => {
  await receiver?.close();
});

test("a batch goes to /api/v2/alerts as one array of Alertmanager alerts", async () => {
  receiver = await startReceiver(["fail"]);
  const sink = new AlertmanagerSink(
    { url: `${receiver.url}/`, minSeverity: "high" },
    retry,
    new Metrics(),
    log,
  );
  const storm = guardAlert("revocation_storm", "global|w1", {
    ts: Date.UTC(2026, 10, 2, 9, 32),
    tokenFp: null,
    summary: "revocation storm",
    details: { scope: "global", limit: 3 },
  });

  const dead = await sink.deliver(
    [decisionNotification(testDecision()), guardNotification(storm)],
    Date.now() + 5_000,
  );

  assert.deepEqual(dead, []);
  assert.equal(receiver.requests.length, 2, "one retry after the 500");
  const request = receiver.requests[1];
  assert.equal(request?.url, "/api/v2/alerts");
  const alerts = JSON.parse(request?.body ?? "[]");
  assert.equal(alerts.length, 2);
  assert.deepEqual(alerts[0].labels, {
    alertname: "TokenwatchDecision",
    severity: "high",
    service: "tokenwatch",
    action: "revoke",
    rule: "many-networks-short-window",
    token_fingerprint: TOKEN_FP,
    consumer: "alice",
  });
  assert.equal(alerts[0].startsAt, "2026-11-02T09:32:15.000Z");
  assert.equal(alerts[0].endsAt, "2026-11-02T10:32:15.000Z");
  assert.equal(alerts[0].annotations.tokenwatch_id, "decision-id-0123456789");
  assert.equal(alerts[1].labels.alertname, "TokenwatchRevocationStorm");
  assert.equal(alerts[1].labels.severity, "critical");
  assert.equal(JSON.parse(alerts[1].annotations.record).kind, "revocation_storm");
});
