import assert from "node:assert/strict";
import { test } from "node:test";
import {
  config,
  expectedFingerprint,
  fixture,
  normalizer,
  run,
  secret,
  single,
  withField,
  withFields,
} from "../support.js";

const sample = fixture("kong");

test("the public Kong sample becomes a canonical event field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "kong");
  assert.equal(event.ts, 1614232668342);
  assert.equal(event.clientIp, "203.0.113.10");
  assert.equal(event.method, "GET");
  assert.equal(event.scheme, "http");
  assert.equal(event.host, "localhost");
  assert.equal(event.path, "/log");
  assert.deepEqual(event.queryKeys, []);
  assert.equal(event.status, 200);
  assert.equal(event.latencyMs, 515);
  assert.equal(event.userAgent, "HTTPie/2.4.0");
  assert.equal(event.routeId, "78f79740-c410-4fd9-a998-d0a60a99dc9b");
  assert.equal(event.serviceId, "167290ee-c682-4ebf-bdea-e49a3ac5e260");
  assert.equal(event.consumerId, "ae974d6c-0f8a-4dc5-b701-fa0aa38592bd");
  assert.equal(event.credentialId, "c62c1455-9b1d-4f2d-8797-509ba83b8ae8");
  assert.deepEqual(event.source, { stream: "gateway-logs", partition: 3, offset: 42, index: 0 });
});

test("without a raw token the Kong credential id keys the state", () => {
  const event = single(sample);

  assert.deepEqual(event.token, {
    fingerprint: expectedFingerprint("credential:c62c1455-9b1d-4f2d-8797-509ba83b8ae8"),
    location: "none",
    kind: "credential",
    claims: null,
  });
});

test("a REDACTED authorization is ignored and the clear apikey header is fingerprinted", () => {
  const key = secret("KongHeader");
  const record = withFields(sample, {
    "request.headers.authorization": "REDACTED",
    "request.headers.apikey": key,
  });

  const event = single(record);

  assert.equal(event.token?.fingerprint, expectedFingerprint(key));
  assert.equal(event.token?.location, "header");
  assert.equal(event.token?.kind, "apikey");
  assert.ok(!JSON.stringify(event).includes(key));
});

test("an apikey in the Kong query string is found, and only its name is kept", () => {
  const key = secret("KongQuery");
  const record = withFields(sample, {
    "request.uri": `/log?apikey=${key}&page=2`,
    "request.querystring": { apikey: key, page: "2", flag: true },
  });

  const event = single(record);

  assert.equal(event.path, "/log");
  assert.deepEqual(event.queryKeys, ["apikey", "page", "flag"]);
  assert.equal(event.token?.fingerprint, expectedFingerprint(key));
  assert.equal(event.token?.location, "query");
  assert.ok(!JSON.stringify(event).includes(key));
});

test("repeated Kong headers logged as arrays keep their first value", () => {
  const first = secret("First");
  const record = withFields(sample, {
    "request.headers.apikey": [first, secret("Second")],
    "request.headers.user-agent": ["curl/8.0", "other"],
  });

  const event = single(record);

  assert.equal(event.token?.fingerprint, expectedFingerprint(first));
  assert.equal(event.userAgent, "curl/8.0");
});

test("a Kong batch array yields one event per element and rejects only the bad one", () => {
  const broken = withField(sample, "started_at", { nested: true });

  const result = run([sample, broken, sample]);

  assert.equal(result.events.length, 2);
  assert.deepEqual(
    result.events.map((e) => e.source.index),
    [0, 2],
  );
  assert.equal(result.rejects.length, 1);
  assert.equal(result.rejects[0]?.reason, "invalid_field");
  assert.equal(result.rejects[0]?.source.index, 1);
  assert.equal(result.rejects[0]?.format, "kong");
  assert.match(result.rejects[0]?.message ?? "", /started_at/);
});

test("string-typed Kong numbers are read as numbers", () => {
  const record = withFields(sample, {
    started_at: "1614232668342",
    "latencies.request": "515",
    "response.status": "200",
  });

  const event = single(record);

  assert.equal(event.ts, 1614232668342);
  assert.equal(event.latencyMs, 515);
  assert.equal(event.status, 200);
});

test("a Kong record without started_at is rejected as missing_time", () => {
  const record = withField(sample, "started_at", null);

  const result = run(record);

  assert.equal(result.events.length, 0);
  assert.equal(result.rejects[0]?.reason, "missing_time");
});

test("the precedence list can make the consumer win over the credential", () => {
  const n = normalizer({ identity: { ...config.identity, precedence: ["consumer"] } });
  const event = single(sample, n);

  assert.equal(
    event.token?.fingerprint,
    expectedFingerprint("consumer:ae974d6c-0f8a-4dc5-b701-fa0aa38592bd"),
  );
});

test("a Kong event wrapped in a JSON string by a log shipper is unwrapped", () => {
  const wrapped = JSON.stringify(JSON.stringify(sample));

  const result = run(wrapped);

  assert.equal(result.events.length, 1);
  assert.equal(result.events[0]?.ts, 1614232668342);
});
