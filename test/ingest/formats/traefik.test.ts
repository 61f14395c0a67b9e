import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedFingerprint, fixture, secret, single, withFields } from "../support.js";

const sample = fixture("traefik");

test("the public Traefik sample becomes a canonical event field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "traefik");
  assert.equal(event.ts, Date.parse("2024-02-02T17:07:08.048Z"));
  assert.equal(event.clientIp, "10.10.10.20", "ClientAddr loses its port");
  assert.equal(event.method, "GET");
  assert.equal(event.host, "10.10.10.11");
  assert.equal(event.path, "/foo/bar/baz.php");
  assert.equal(event.status, 404);
  assert.equal(event.latencyMs, 0.487, "Duration is nanoseconds");
  assert.match(event.userAgent ?? "", /^Mozilla\/5\.0 \(Macintosh/);
  assert.equal(event.routeId, "service-foo-0101010101010101@kubernetescrd");
  assert.equal(event.serviceId, "service-foo-0120101010101@kubernetescrd");
});

test("StartUTC wins over StartLocal and time", () => {
  const event = single(withFields(sample, { StartUTC: "2024-02-02T17:07:09.5Z" }));

  assert.equal(event.ts, Date.parse("2024-02-02T17:07:09.500Z"));
});

test("a kept request_Authorization header gives the token; REDACTED does not", () => {
  const token = secret("Traefik");
  const kept = single(withFields(sample, { request_Authorization: `Bearer ${token}` }));
  const redacted = single(withFields(sample, { request_Authorization: "REDACTED" }));

  assert.equal(kept.token?.fingerprint, expectedFingerprint(token));
  assert.equal(redacted.token, null);
});

test("the Traefik RequestPath query is split into names", () => {
  const token = secret("TraefikQuery");
  const event = single(withFields(sample, { RequestPath: `/foo?token=${token}&x=1` }));

  assert.equal(event.path, "/foo");
  assert.deepEqual(event.queryKeys, ["token", "x"]);
  assert.equal(event.token?.location, "query");
});
