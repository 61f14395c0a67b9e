import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedFingerprint, fixture, run, secret, single, withFields } from "../support.js";

const sample = fixture("tyk");

test("the public Tyk sample becomes a canonical event field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "tyk");
  assert.equal(event.ts, Date.parse("2023-02-23T16:29:27.533Z"), "nanoseconds are truncated");
  assert.equal(event.clientIp, "203.0.113.12");
  assert.equal(event.method, "GET");
  assert.equal(event.host, "httpbin.org");
  assert.equal(event.path, "/get");
  assert.equal(event.status, 200);
  assert.equal(event.latencyMs, 1128);
  assert.equal(event.userAgent, "curl/7.79.1");
  assert.equal(event.routeId, "845b8ed1ae964ea5a6eccab6abf3f3de");
  assert.equal(event.consumerId, null, "an empty oauth_id and alias mean no consumer");
});

test("the Tyk api_key is the gateway key: fingerprinted, location unknown", () => {
  const event = single(sample);

  assert.deepEqual(event.token, {
    fingerprint: expectedFingerprint("00000000"),
    location: "none",
    kind: "apikey",
    claims: null,
  });
});

test("an obfuscated Tyk api_key is not used as an identity", () => {
  const event = single(withFields(sample, { api_key: "****0000" }));

  assert.equal(event.token, null);
});

test("the Authorization header inside a base64 raw_request wins over api_key", () => {
  const token = secret("TykRaw");
  const raw = [
    "GET /get?debug=1 HTTP/1.1",
    "Host: httpbin.org",
    `Authorization: Bearer ${token}`,
    "User-Agent: curl/7.79.1",
    "",
    "",
  ].join("\r\n");
  const record = withFields(sample, { raw_request: Buffer.from(raw).toString("base64") });

  const event = single(record);

  assert.equal(event.token?.fingerprint, expectedFingerprint(token));
  assert.equal(event.token?.location, "header");
  assert.equal(event.token?.kind, "opaque");
});

test("the Kafka pump subset without raw fields still parses", () => {
  const subset = withFields(sample, {
    raw_request: undefined,
    raw_response: undefined,
    geo: undefined,
    network: undefined,
    latency: undefined,
    oauth_id: "client-9",
  });

  const event = single(subset);

  assert.equal(event.latencyMs, 1128);
  assert.equal(event.consumerId, "client-9");
});

test("a Tyk record with the timestamp removed is rejected as missing_time", () => {
  const result = run(withFields(sample, { timestamp: undefined }));

  assert.equal(result.rejects[0]?.reason, "missing_time");
});
