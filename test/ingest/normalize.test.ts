import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/errors.js";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import { FORMAT_NAMES, Normalizer } from "../../src/ingest/normalize.js";
import {
  config,
  fixture,
  KEY,
  NOW,
  normalizer,
  run,
  secret,
  unsignedJwt,
  withFields,
} from "./support.js";

const kong = fixture("kong");
const position = { stream: "kong-logs", partition: 1, offset: 7 };

test("FORMAT_NAMES lists every format the CLI may force", () => {
  assert.deepEqual(FORMAT_NAMES, [
    "canonical",
    "kong",
    "apisix",
    "tyk",
    "traefik",
    "envoy-istio",
    "aws-apigateway",
    "apinto",
    "apisix-custom",
    "nginx",
  ]);
});

test("a forced format parses a stream without detection", () => {
  const nginxLike = { remote_addr: "192.0.2.1", msec: "1717171717.000", client_ip: "192.0.2.9" };
  const forced = new Normalizer(
    config,
    new Fingerprinter(KEY),
    { "kong-logs": "nginx" },
    () => NOW,
  );

  const result = forced.normalize(JSON.stringify(nginxLike), position);

  assert.equal(result.events[0]?.gateway, "nginx");
  assert.equal(result.events[0]?.clientIp, "192.0.2.9");
});

test("an unknown forced format fails at construction with the names to use", () => {
  assert.throws(
    () => new Normalizer(config, new Fingerprinter(KEY), { "kong-logs": "kongg" }),
    (error: unknown) =>
      error instanceof ConfigError && /use one of canonical, kong/.test(error.message),
  );
});

test("a record no format recognizes is rejected as unknown_format with a redacted payload", () => {
  const token = secret("Unknown");
  const result = run({ hello: "world", authorization: `Bearer ${token}` });

  assert.equal(result.rejects[0]?.reason, "unknown_format");
  assert.equal(result.rejects[0]?.format, null);
  assert.equal(
    result.rejects[0]?.redactedPayload,
    JSON.stringify({ hello: "world", authorization: "[REDACTED]" }),
  );
});

test("message-level failures keep the position and carry no payload", () => {
  const n = normalizer();
  const result = n.normalize(Buffer.from([0xff, 0xfe]), position);

  assert.deepEqual(result.rejects, [
    {
      reason: "invalid_utf8",
      message: "message is not valid UTF-8",
      source: { ...position, index: 0 },
      format: null,
      redactedPayload: null,
    },
  ]);
});

test("events too far in the future, or older than maxAgeMs, are time_out_of_range", () => {
  const n = normalizer({ input: { ...config.input, maxFutureMs: 60_000, maxAgeMs: 86_400_000 } });
  const future = withFields(kong, { started_at: NOW + 120_000 });
  const old = withFields(kong, { started_at: NOW - 2 * 86_400_000 });
  const fine = withFields(kong, { started_at: NOW - 1000 });

  assert.equal(run(future, n).rejects[0]?.reason, "time_out_of_range");
  assert.equal(run(old, n).rejects[0]?.reason, "time_out_of_range");
  assert.equal(run(fine, n).events.length, 1);
});

test("maxAgeMs 0 lets a replay of old logs through", () => {
  const result = run(withFields(kong, { started_at: 946684800000 }));

  assert.equal(result.events.length, 1);
});

test("a rejected record's payload has every credential removed wherever it was", () => {
  const key = secret("Dead");
  const jwt = unsignedJwt({ sub: "u1", jti: "j1" });
  const record = withFields(kong, {
    started_at: undefined,
    "request.headers.apikey": key,
    "request.headers.authorization": `Bearer ${jwt}`,
    "request.uri": `/log?apikey=${key}&page=1`,
    "request.querystring": { apikey: key, page: "1" },
    tags: [`key-${key}`],
  });

  const reject = run(record).rejects[0];

  assert.equal(reject?.reason, "missing_time");
  assert.ok(reject?.redactedPayload);
  assert.ok(!reject.redactedPayload.includes(key));
  assert.ok(!reject.redactedPayload.includes(jwt));
  assert.match(reject.redactedPayload, /"uri":"\/log\?apikey=\[REDACTED\]&page=\[REDACTED\]"/);
  assert.ok(reject.redactedPayload.length <= 4096);
});

test("canonical events keep no header, no query value and no raw token", () => {
  const token = secret("Event");
  const record = withFields(kong, {
    "request.headers.authorization": `Bearer ${token}`,
    "request.uri": `/log?access_token=${token}`,
    "request.querystring": { access_token: token },
  });

  const [event] = run(record).events;

  assert.deepEqual(Object.keys(event ?? {}).sort(), [
    "clientIp",
    "consumerId",
    "credentialId",
    "format",
    "forwardedFor",
    "gateway",
    "host",
    "latencyMs",
    "method",
    "path",
    "queryKeys",
    "requestId",
    "routeId",
    "scheme",
    "serviceId",
    "source",
    "status",
    "token",
    "ts",
    "userAgent",
  ]);
  assert.ok(!JSON.stringify(event).includes(token));
});

test("a secret echoed in a free-text field is scrubbed from the event", () => {
  const key = secret("Echo");
  const record = withFields(kong, {
    "request.headers.apikey": key,
    "request.headers.user-agent": `client/${key}`,
  });

  const [event] = run(record).events;

  assert.equal(event?.userAgent, "client/[REDACTED]");
});

test("a bare JWT used as a query parameter name does not reach queryKeys", () => {
  const jwt = unsignedJwt({ sub: "x" });
  const record = withFields(kong, { "request.uri": `/log?${jwt}` });

  const [event] = run(record).events;

  assert.deepEqual(event?.queryKeys, ["[REDACTED]"]);
});

test("normalize never throws, whatever it is given", () => {
  const n = normalizer();
  const weird = [undefined, null, 42, {}, [], Symbol("x")] as unknown as string[];

  for (const message of weird) {
    const result = n.normalize(message, position);
    assert.equal(result.events.length, 0);
    assert.equal(result.rejects.length, 1);
  }
});

test("a canonical record without ts is rejected as missing_time, not unknown_format", () => {
  const { ts: _ts, ...record } = fixture("canonical");

  const { events, rejects } = run(record);

  assert.equal(events.length, 0);
  assert.deepEqual(
    rejects.map((reject) => [reject.reason, reject.format, reject.message]),
    [["missing_time", "canonical", "record has no event time"]],
  );
});

test("a canonical record without clientIp is rejected as missing_client_ip", () => {
  const { clientIp: _clientIp, ...record } = fixture("canonical");

  const { rejects } = run(record);

  assert.deepEqual(
    rejects.map((reject) => [reject.reason, reject.format, reject.message]),
    [["missing_client_ip", "canonical", "record has no valid client IP"]],
  );
});
