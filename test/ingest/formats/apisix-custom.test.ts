import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedFingerprint, fixture, secret, single, withField } from "../support.js";

const sample = fixture("apisix-custom");

test("an APISIX custom log_format record is read by its conventional names", () => {
  const event = single(sample);

  assert.equal(event.gateway, "apisix-custom");
  assert.equal(event.ts, Date.UTC(2024, 4, 31, 16, 8, 37));
  assert.equal(event.clientIp, "192.0.2.44");
  assert.equal(event.method, "POST");
  assert.equal(event.host, "api.example.com");
  assert.equal(event.path, "/v2/payments");
  assert.equal(event.status, 201);
  assert.equal(event.latencyMs, 118, "$request_time is seconds");
  assert.equal(event.userAgent, "okhttp/4.12.0");
  assert.equal(event.routeId, "payments-route");
  assert.equal(event.serviceId, "payments");
  assert.equal(event.consumerId, "mobile-app");
});

test("a custom format that logs $http_authorization gives a header token", () => {
  const token = secret("ApisixCustom");
  const event = single(withField(sample, "http_authorization", `Bearer ${token}`));

  assert.equal(event.token?.fingerprint, expectedFingerprint(token));
  assert.equal(event.token?.location, "header");
  assert.equal(event.token?.kind, "opaque");
});
