import assert from "node:assert/strict";
import { after, test } from "node:test";
import { postWithRetries, type RetryPolicy } from "../../src/act/http-delivery.js";
import { type Receiver, startReceiver } from "./http-receiver.js";

const POLICY: RetryPolicy = { timeoutMs: 300, attempts: 4, backoffMs: 100, maxBackoffMs: 400 };
const receivers: Receiver[] = [];

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

after(async () => {
  for (const r of receivers) await r.close();
});

const request = (url: string) => () => ({ url, headers: { "x-n": "1" }, body: '{"a":1}' });
const farDeadline = () => Date.now() + 60_000;

test("a failure and a timeout are retried, and the third attempt delivers", async () => {
  const server = await receiver(["fail", "timeout"]);
  const started = Date.now();

  // random() = 1 makes the backoff its cap: 100 ms, then 200 ms.
  const result = await postWithRetries(request(server.url), POLICY, {
    deadline: farDeadline(),
    random: () => 1,
  });
  const elapsed = Date.now() - started;

  assert.equal(result.delivered, true);
  assert.deepEqual(
    result.attempts.map((a) => [a.result, a.status]),
    [
      ["http_error", 500],
      ["timeout", null],
      ["ok", 200],
    ],
  );
  assert.equal(server.requests.length, 3);
  assert.ok(server.requests.every((r) => r.body === '{"a":1}' && r.method === "POST"));
  // 100 backoff + 300 timeout + 200 backoff at least; well under a second of slack.
  assert.ok(elapsed >= 600 && elapsed < 1_600, `elapsed ${elapsed} ms`);
  const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
  assert.ok(gap >= 95, `the first backoff waited ${gap} ms`);
});

test("a 4xx is final: no retry, and the status is the error", async () => {
  const server = await receiver(["reject"]);

  const result = await postWithRetries(request(server.url), POLICY, { deadline: farDeadline() });

  assert.equal(result.delivered, false);
  assert.equal(result.attempts.length, 1);
  assert.equal(result.attempts[0]?.result, "rejected");
  assert.equal(result.lastError, "HTTP 400");
  assert.equal(server.requests.length, 1);
});

test("an endpoint that always fails gets exactly `attempts` tries", async () => {
  const server = await receiver([], "fail");

  const result = await postWithRetries(request(server.url), POLICY, {
    deadline: farDeadline(),
    random: () => 0,
  });

  assert.equal(result.delivered, false);
  assert.equal(result.attempts.length, 4);
  assert.equal(server.requests.length, 4);
  assert.equal(result.lastError, "HTTP 500");
});

test("no attempt starts past the deadline, whatever the attempt limit", async () => {
  const server = await receiver([], "fail");
  const policy = { ...POLICY, attempts: 20, backoffMs: 200, maxBackoffMs: 200 };
  const started = Date.now();

  const result = await postWithRetries(request(server.url), policy, {
    deadline: started + 700,
    random: () => 1,
  });

  assert.equal(result.delivered, false);
  assert.ok(
    result.attempts.length >= 3 && result.attempts.length <= 5,
    `${result.attempts.length}`,
  );
  assert.ok(result.attempts.every((a) => a.startedAt <= started + 700));
  assert.match(result.lastError ?? "", /deadline reached/);
});

test("a refused connection is a network error, reported by its code", async () => {
  const server = await receiver([]);
  const url = server.url;
  await server.close();
  receivers.pop();

  const result = await postWithRetries(
    request(url),
    { ...POLICY, attempts: 2 },
    {
      deadline: farDeadline(),
      random: () => 0,
    },
  );

  assert.equal(result.delivered, false);
  assert.deepEqual(
    result.attempts.map((a) => a.result),
    ["network_error", "network_error"],
  );
  assert.equal(result.lastError, "ECONNREFUSED");
});
