import assert from "node:assert/strict";
import { test } from "node:test";
import {
  expectedFingerprint,
  fixture,
  run,
  secret,
  single,
  unsignedJwt,
  withField,
  withFields,
} from "../support.js";

const sample = fixture("apisix");

test("the public APISIX sample becomes a canonical event field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "apisix");
  assert.equal(event.ts, 1699596164550);
  assert.equal(event.clientIp, "127.0.0.1");
  assert.equal(event.method, "GET");
  assert.equal(event.scheme, "http");
  assert.equal(event.host, "127.0.0.1");
  assert.equal(event.path, "/get");
  assert.deepEqual(event.queryKeys, []);
  assert.equal(event.status, 200);
  assert.equal(event.latencyMs, 411);
  assert.equal(event.userAgent, "curl/8.7.1");
  assert.equal(event.routeId, "kafka-logger-route");
  assert.equal(event.serviceId, null, "an empty service_id means no service");
  assert.equal(event.consumerId, null);
  assert.equal(event.token, null);
});

test("an APISIX bearer JWT is fingerprinted and its kept claims are read", () => {
  const jwt = unsignedJwt({
    iss: "https://idp.example.com",
    sub: "user-17",
    aud: ["api", "admin"],
    jti: "jti-abc",
    client_id: "mobile",
    scope: "orders:read",
    exp: 1699599764,
    iat: 1699596164,
    email: "dropped@example.com",
  });
  const record = withField(sample, "request.headers.authorization", `bearer ${jwt}`);

  const event = single(record);

  assert.equal(event.token?.fingerprint, expectedFingerprint(jwt));
  assert.equal(event.token?.location, "header");
  assert.equal(event.token?.kind, "jwt");
  assert.deepEqual(event.token?.claims, {
    iss: "https://idp.example.com",
    sub: "user-17",
    aud: "api admin",
    jti: "jti-abc",
    clientId: "mobile",
    scope: "orders:read",
    exp: 1699599764000,
    iat: 1699596164000,
    kid: null,
  });
  assert.ok(!JSON.stringify(event).includes("dropped@example.com"));
});

test("an access_token in the APISIX query string is a query token", () => {
  const token = secret("ApisixQuery");
  const record = withFields(sample, {
    "request.uri": `/get?access_token=${token}`,
    "request.url": `http://127.0.0.1:9080/get?access_token=${token}`,
    "request.querystring": { access_token: token },
  });

  const event = single(record);

  assert.equal(event.path, "/get");
  assert.deepEqual(event.queryKeys, ["access_token"]);
  assert.equal(event.token?.location, "query");
  assert.equal(event.token?.kind, "opaque");
  assert.equal(event.token?.fingerprint, expectedFingerprint(token));
});

test("the APISIX consumer username becomes the consumer id", () => {
  const event = single(withField(sample, "consumer", { username: "jack" }));

  assert.equal(event.consumerId, "jack");
});

test("an APISIX header value of the wrong type rejects the record naming the field", () => {
  const result = run(withField(sample, "request.headers.authorization", { a: 1 }));

  assert.equal(result.rejects[0]?.reason, "invalid_field");
  assert.match(result.rejects[0]?.message ?? "", /request\.headers/);
});

test("an APISIX record without client_ip is rejected as missing_client_ip", () => {
  const record = withFields(sample, { client_ip: "not-an-ip" });

  const result = run(record);

  assert.equal(result.rejects[0]?.reason, "missing_client_ip");
  assert.equal(result.rejects[0]?.format, "apisix");
});
