import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedFingerprint, fixture, secret, single, withFields } from "../support.js";

const sample = fixture("apinto");

test("an APIPark flat record becomes a canonical event field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "apinto");
  assert.equal(event.ts, 1717171717456);
  assert.equal(event.clientIp, "203.0.113.77", "src_ip is the real client");
  assert.equal(event.method, "GET");
  assert.equal(event.scheme, "https");
  assert.equal(event.host, "gw.example.com");
  assert.equal(event.path, "/orders/list");
  assert.deepEqual(event.queryKeys, ["page"]);
  assert.equal(event.status, 200);
  assert.equal(event.latencyMs, 37);
  assert.equal(event.userAgent, "curl/8.5.0");
  assert.equal(event.requestId, "b1d4c9e0-2f6a-4a8e-9c3d-5e7f8a9b0c1d");
  assert.equal(event.routeId, "api-orders-list");
  assert.equal(event.serviceId, "svc-orders");
  assert.equal(event.consumerId, "app-7d1f");
  assert.equal(event.credentialId, "auth-5a2b9c");
  assert.equal(event.token?.fingerprint, expectedFingerprint("credential:auth-5a2b9c"));
});

test("a bearer token in the URL-encoded request_header wins over the credential id", () => {
  const token = secret("Apinto");
  const record = withFields(sample, {
    request_header: `Authorization=Bearer+${token}&User-Agent=curl%2F8.5.0`,
  });

  const event = single(record);

  assert.equal(event.token?.fingerprint, expectedFingerprint(token));
  assert.equal(event.token?.location, "header");
});

test("the nested layout of Apinto's documentation is read too", () => {
  const nested = {
    time_iso8601: "2024-05-31T16:08:37.456+08:00",
    request_id: "r-1",
    request: {
      request_method: "POST",
      scheme: "http",
      request_uri: "/pay?x=1",
      host: "gw.example.com:8099",
      header: "User-Agent=okhttp",
      remote_addr: "198.51.100.9",
    },
    status_code: { status: "201", proxy_status: "201" },
    time: { request_time: "12", response_time: "10" },
  };

  const event = single(nested);

  assert.equal(event.gateway, "apinto");
  assert.equal(event.ts, Date.UTC(2024, 4, 31, 8, 8, 37, 456));
  assert.equal(event.clientIp, "198.51.100.9");
  assert.equal(event.method, "POST");
  assert.equal(event.host, "gw.example.com");
  assert.equal(event.path, "/pay");
  assert.equal(event.status, 201);
  assert.equal(event.latencyMs, 12);
  assert.equal(event.userAgent, "okhttp");
});
