import assert from "node:assert/strict";
import { test } from "node:test";
import {
  config,
  expectedFingerprint,
  fixture,
  normalizer,
  secret,
  single,
  withFields,
} from "../support.js";

const sample = fixture("nginx");

test("an NGINX escape=json record becomes a canonical event field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "nginx");
  assert.equal(event.ts, 1717171717123, "$msec is seconds with a fraction");
  assert.equal(event.clientIp, "198.51.100.23");
  assert.deepEqual(event.forwardedFor, ["198.51.100.23", "10.0.0.5"]);
  assert.equal(event.method, "GET");
  assert.equal(event.scheme, "https");
  assert.equal(event.host, "api.example.com");
  assert.equal(event.path, "/v1/orders");
  assert.deepEqual(event.queryKeys, ["page", "limit"]);
  assert.equal(event.status, 200, "$status is a string");
  assert.equal(event.latencyMs, 42, "$request_time is seconds");
  assert.equal(event.userAgent, "python-requests/2.31.0");
  assert.equal(event.requestId, "7f9c2ba4e88f827d616045507605853e");
  assert.equal(event.token, null, "an empty $http_authorization is no token");
});

test("$time_local in Common Log Format is used when $msec is absent", () => {
  const record = withFields(sample, { msec: undefined, time_local: "10/Oct/2000:13:55:36 -0700" });

  const event = single(record);

  assert.equal(event.ts, Date.UTC(2000, 9, 10, 20, 55, 36));
});

test("the $request line is used when request_uri and request_method are absent", () => {
  const record = withFields(sample, {
    request_uri: undefined,
    request_method: undefined,
    request: "DELETE /v1/orders/9?force=true HTTP/1.1",
  });

  const event = single(record);

  assert.equal(event.method, "DELETE");
  assert.equal(event.path, "/v1/orders/9");
  assert.deepEqual(event.queryKeys, ["force"]);
});

test("$http_authorization and ?access_token= are both credentials; the header wins", () => {
  const header = secret("NginxHeader");
  const query = secret("NginxQuery");
  const record = withFields(sample, {
    http_authorization: `Bearer ${header}`,
    request_uri: `/v1/orders?access_token=${query}`,
  });

  const event = single(record);

  assert.equal(event.token?.fingerprint, expectedFingerprint(header));
  assert.equal(event.token?.location, "header");
  assert.ok(!JSON.stringify(event).includes(query));
});

test("a configured cookie is read from $http_cookie", () => {
  const session = secret("Cookie");
  const record = withFields(sample, { http_cookie: `theme=dark; sid="${session}"` });
  const n = normalizer({ identity: { ...config.identity, cookies: ["sid"] } });

  const event = single(record, n);

  assert.equal(event.token?.fingerprint, expectedFingerprint(session));
  assert.equal(event.token?.location, "cookie");
});
