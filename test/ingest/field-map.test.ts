import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/errors.js";
import { config, expectedFingerprint, fixture, normalizer, run } from "./support.js";

/** An NGINX `log_format … escape=json` whose author picked their own field names. */
const customNginx = {
  when: "1717171717.123",
  client: "198.51.100.23",
  verb: "DELETE",
  uri: "/v1/orders/17?page=2",
  code: "204",
  took: "0.042",
  ua: "python-requests/2.31.0",
  auth: "Bearer field-map-planted-secret-Zq81",
};

const nginxMap = {
  msec: "when",
  remote_addr: "client",
  request_method: "verb",
  request_uri: "uri",
  status: "code",
  request_time: "took",
  http_user_agent: "ua",
  http_authorization: "auth",
};

function withFieldMaps(fieldMaps: Record<string, Record<string, string>>) {
  return normalizer({ input: { ...config.input, fieldMaps } });
}

test("a field map lets the nginx parser read a layout with custom field names", () => {
  const n = withFieldMaps({ nginx: nginxMap });

  const { events, rejects } = run(customNginx, n);

  assert.deepEqual(rejects, []);
  assert.equal(events.length, 1);
  const [event] = events;
  assert.equal(event?.format, "nginx");
  assert.equal(event?.ts, 1717171717123);
  assert.equal(event?.clientIp, "198.51.100.23");
  assert.equal(event?.method, "DELETE");
  assert.equal(event?.path, "/v1/orders/17");
  assert.equal(event?.status, 204);
  assert.equal(event?.latencyMs, 42);
  assert.equal(event?.token?.fingerprint, expectedFingerprint("field-map-planted-secret-Zq81"));
  assert.equal(JSON.stringify(events).includes("field-map-planted-secret-Zq81"), false);
});

test("without the field map the same layout is rejected as an unknown format", () => {
  const { events, rejects } = run(customNginx);

  assert.equal(events.length, 0);
  assert.equal(rejects[0]?.reason, "unknown_format");
});

test("a field map does not change how records of other formats are read", () => {
  const n = withFieldMaps({ nginx: nginxMap });

  const { events } = run(fixture("kong"), n);

  assert.equal(events[0]?.format, "kong");
  assert.equal(events[0]?.clientIp, "203.0.113.10");
});

test("a field map for an unknown format is a configuration error naming it", () => {
  assert.throws(
    () => withFieldMaps({ nginks: nginxMap }),
    (err: unknown) => err instanceof ConfigError && /unknown format "nginks"/.test(err.message),
  );
});
