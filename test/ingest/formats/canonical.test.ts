import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedFingerprint, fixture, secret, single, withFields } from "../support.js";

const sample = fixture("canonical");

test("tokenwatch's own event JSON is read back field by field", () => {
  const event = single(sample);

  assert.equal(event.gateway, "simulator");
  assert.equal(event.ts, 1717171717000);
  assert.equal(event.clientIp, "2001:db8:42:7:a1b2:c3d4:e5f6:789");
  assert.equal(event.userAgent, "Mozilla/5.0 (iPhone)");
  assert.equal(event.path, "/v1/me");
  assert.equal(event.status, 200);
  assert.equal(event.latencyMs, 12.5);
  assert.equal(event.consumerId, "alice");
  assert.equal(event.token?.fingerprint, expectedFingerprint("consumer:alice"));
});

test("canonical input carries credentials in headers and query, which are not kept", () => {
  const token = secret("Canonical");
  const record = withFields(sample, {
    headers: { Authorization: `Bearer ${token}` },
    query: { page: "1" },
    path: "/v1/me?expand=true",
  });

  const event = single(record);

  assert.equal(event.token?.fingerprint, expectedFingerprint(token));
  assert.deepEqual(event.queryKeys, ["expand", "page"]);
  assert.equal(event.path, "/v1/me");
  assert.equal(Object.hasOwn(event, "headers"), false);
  assert.equal(Object.hasOwn(event, "query"), false);
});

test("an ISO ts with an offset is converted to UTC epoch ms", () => {
  const event = single(withFields(sample, { ts: "2024-05-31T18:08:37.5+02:00" }));

  assert.equal(event.ts, Date.UTC(2024, 4, 31, 16, 8, 37, 500));
});
