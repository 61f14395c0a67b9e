import assert from "node:assert/strict";
import { after, test } from "node:test";
import { pino } from "pino";
import { decisionNotification } from "../../src/act/notification.js";
import { SIGNATURE_HEADERS, verifyBody } from "../../src/act/webhook-signature.js";
import { WebhookSink } from "../../src/act/webhook-sink.js";
import { configSchema, type WebhooksConfig } from "../../src/config/schema.js";
import { Metrics } from "../../src/observe/metrics.js";
import { testDecision, testFinding } from "./decisions.js";
import { type Receiver, startReceiver } from "./http-receiver.js";

const log = pino({ level: "silent" });
const SECRET_A = "pager-secret-0123456789";
const SECRET_B = "chat-secret-0123456789ab";
const receivers: Receiver[] = [];

after(async () => {
  for (const r of receivers) await r.close();
});

function config(endpoints: WebhooksConfig["endpoints"]): WebhooksConfig {
  const defaults = configSchema.parse({}).webhooks;
  return { ...defaults, endpoints, timeoutMs: 300, attempts: 3, backoffMs: 20, maxBackoffMs: 50 };
}

const revoke = decisionNotification(testDecision());
const lowAlert = decisionNotification(
  testDecision({
    id: "low-alert-decision-0001",
    action: "alert",
    requestedAction: "alert",
    findings: [testFinding({ severity: "low", action: "alert" })],
  }),
);

test("each endpoint gets what passes its severity filter, signed with its secret", async () => {
  const pager = await startReceiver([]);
  const chat = await startReceiver([]);
  receivers.push(pager, chat);
  const sink = new WebhookSink(
    config([
      { name: "pager", url: pager.url, secret: SECRET_A, minSeverity: "high" },
      { name: "chat", url: chat.url, secret: SECRET_B, minSeverity: "low" },
    ]),
    new Metrics(),
    log,
  );

  const dead = await sink.deliver([revoke, lowAlert], Date.now() + 10_000);

  assert.deepEqual(dead, []);
  assert.deepEqual(
    pager.requests.map((r) => JSON.parse(r.body).id),
    ["decision-id-0123456789"],
  );
  assert.deepEqual(chat.requests.map((r) => JSON.parse(r.body).id).sort(), [
    "decision-id-0123456789",
    "low-alert-decision-0001",
  ]);
  for (const [server, secret] of [
    [pager, SECRET_A],
    [chat, SECRET_B],
  ] as const) {
    for (const request of server.requests) {
      const headers = {
        timestamp: request.headers[SIGNATURE_HEADERS.timestamp] as string,
        signature: request.headers[SIGNATURE_HEADERS.signature] as string,
      };
      assert.equal(verifyBody(secret, headers, request.body), true);
      assert.equal(request.headers[SIGNATURE_HEADERS.id], JSON.parse(request.body).id);
      assert.equal(request.headers["content-type"], "application/json");
    }
  }
  const body = JSON.parse(pager.requests[0]?.body ?? "{}");
  assert.equal(body.type, "tokenwatch.decision");
  assert.equal(body.severity, "high");
  assert.equal(body.token, "YpIT6XGUc5mcSAlOCRronw");
});

test("after the last failed attempt the delivery is a dead letter with its body", async () => {
  const down = await startReceiver([], "fail");
  receivers.push(down);
  const metrics = new Metrics();
  const sink = new WebhookSink(
    config([{ name: "down", url: down.url, secret: SECRET_A, minSeverity: "low" }]),
    metrics,
    log,
  );

  const dead = await sink.deliver([revoke], Date.now() + 10_000);

  assert.equal(down.requests.length, 3);
  assert.equal(dead.length, 1);
  assert.equal(dead[0]?.type, "tokenwatch.delivery_failed");
  assert.equal(dead[0]?.sink, "webhook");
  assert.equal(dead[0]?.endpoint, "down");
  assert.deepEqual(dead[0]?.ids, ["decision-id-0123456789"]);
  assert.equal(dead[0]?.attempts.length, 3);
  assert.deepEqual(dead[0]?.body, revoke.record);
  assert.equal(JSON.stringify(dead).includes(SECRET_A), false, "no secret in the dead letter");
  const text = await metrics.registry.metrics();
  assert.match(
    text,
    /tokenwatch_webhook_attempts_total\{sink="webhook",endpoint="down",result="http_error"\} 3/,
  );
  assert.match(
    text,
    new RegExp(
      String.raw`tokenwatch_webhook_deliveries_total\{sink="webhook",endpoint="down",` +
        String.raw`outcome="dead_lettered"\} 1`,
    ),
  );
});
