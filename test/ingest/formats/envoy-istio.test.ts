import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedFingerprint, fixture, run, secret, single, withFields } from "../support.js";

const sample = fixture("envoy-istio");

test("the public Istio sample becomes a canonical event field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "envoy-istio");
  assert.equal(event.ts, Date.parse("2021-05-30T18:50:42.181Z"));
  assert.equal(event.clientIp, "192.0.2.10", "the port is stripped");
  assert.deepEqual(event.forwardedFor, ["192.0.2.10"]);
  assert.equal(event.method, "GET");
  assert.equal(event.host, "127.0.0.1");
  assert.equal(event.path, "/wrongpath");
  assert.equal(event.status, 404);
  assert.equal(event.latencyMs, 3);
  assert.equal(event.userAgent, "curl/7.64.1");
  assert.equal(event.requestId, "a279ad6e-0e1c-98ea-9d74-d6028e2017f8");
  assert.equal(event.routeId, null);
  assert.equal(event.serviceId, "outbound|80||frontend.online-boutique.svc.cluster.local");
});

test("the all-strings Envoy variant reads '-' as unset and numbers from text", () => {
  const record = withFields(sample, {
    duration: "3",
    response_code: "404",
    route_name: "-",
    user_agent: "-",
    x_forwarded_for: "-",
    request_id: "-",
  });

  const event = single(record);

  assert.equal(event.latencyMs, 3);
  assert.equal(event.status, 404);
  assert.equal(event.routeId, null);
  assert.equal(event.userAgent, null);
  assert.deepEqual(event.forwardedFor, []);
  assert.equal(event.requestId, null);
});

test("an operator-added %REQ(AUTHORIZATION)% field is read as the bearer token", () => {
  const token = secret("Envoy");
  const record = withFields(sample, {
    authorization: `Bearer ${token}`,
    path: "/api/items?limit=5",
  });

  const event = single(record);

  assert.equal(event.path, "/api/items");
  assert.deepEqual(event.queryKeys, ["limit"]);
  assert.equal(event.token?.fingerprint, expectedFingerprint(token));
  assert.equal(event.token?.location, "header");
});

test("an IPv6 downstream address with a port is read without the port", () => {
  const event = single(withFields(sample, { downstream_remote_address: "[2001:db8::7]:51000" }));

  assert.equal(event.clientIp, "2001:db8::7");
});

test("an Envoy start_time that is not a time is an invalid field", () => {
  const result = run(withFields(sample, { start_time: "yesterday" }));

  assert.equal(result.rejects[0]?.reason, "invalid_field");
  assert.match(result.rejects[0]?.message ?? "", /start_time/);
});
