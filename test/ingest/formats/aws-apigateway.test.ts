import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedFingerprint, fixture, single, withFields } from "../support.js";

const sample = fixture("aws-apigateway");

test("the public API Gateway sample becomes a canonical event field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "aws-apigateway");
  assert.equal(event.ts, Date.UTC(2021, 6, 15, 5, 35, 16));
  assert.equal(event.requestId, "80aa583d-6caa-42e8-ab43-98e5c4341215");
  assert.equal(event.clientIp, "203.0.113.13");
  assert.equal(event.method, "GET");
  assert.equal(event.path, "/");
  assert.equal(event.status, 200);
  assert.equal(event.consumerId, null, "'-' callers and users are unset");
  assert.equal(event.token, null, "the masked apiKey is not an identity");
});

test("apiKeyId is a credential id and requestTimeEpoch wins over requestTime", () => {
  const record = withFields(sample, {
    apiKeyId: "k7x9ab12cd",
    requestTimeEpoch: 1626327316123,
    responseLatency: "85",
    user: "arn:aws:iam::123456789012:user/alice",
  });

  const event = single(record);

  assert.equal(event.ts, 1626327316123);
  assert.equal(event.latencyMs, 85);
  assert.equal(event.credentialId, "k7x9ab12cd");
  assert.equal(event.consumerId, "arn:aws:iam::123456789012:user/alice");
  assert.equal(event.token?.fingerprint, expectedFingerprint("credential:k7x9ab12cd"));
  assert.equal(event.token?.kind, "credential");
});
