import assert from "node:assert/strict";
import { test } from "node:test";
import { detectFormat, FORMAT_NAMES, formatByName } from "../../../src/ingest/formats/registry.js";
import { fixture } from "../support.js";

const FIXTURE_FORMATS = [
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
];

test("every fixture is detected as its own format", () => {
  for (const name of FIXTURE_FORMATS) {
    assert.equal(detectFormat(fixture(name))?.name, name, name);
  }
});

test("every format name resolves to its format", () => {
  for (const name of FORMAT_NAMES) {
    assert.equal(formatByName(name)?.name, name);
  }
  assert.equal(formatByName("nope"), undefined);
});

test("canonical is tried first, so an event naming clientIp is never taken for a gateway's", () => {
  const record = { ...fixture("kong"), ts: 1, clientIp: "192.0.2.1" };

  assert.equal(detectFormat(record)?.name, "canonical");
});

test("a record with no known signature is not detected", () => {
  assert.equal(detectFormat({ message: "hello", level: "info" }), null);
});

test("detection never throws on odd values", () => {
  const odd = { request: 5, started_at: [], ClientHost: {}, api_id: null, src_ip: 1 };

  assert.doesNotThrow(() => detectFormat(odd));
});

test("a canonical record missing ts or clientIp is still detected as canonical", () => {
  const { ts: _ts, ...withoutTime } = fixture("canonical");
  const { clientIp: _clientIp, ...withoutClient } = fixture("canonical");

  assert.equal(detectFormat(withoutTime)?.name, "canonical");
  assert.equal(detectFormat(withoutClient)?.name, "canonical");
});

test("a bare ts is not enough to take a record for canonical", () => {
  assert.equal(detectFormat({ ts: 1717171717000, level: "info", msg: "started" }), null);
});
