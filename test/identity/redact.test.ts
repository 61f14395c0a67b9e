import assert from "node:assert/strict";
import { test } from "node:test";
import { Redactor } from "../../src/identity/redact.js";
import { config, secret, unsignedJwt } from "../ingest/support.js";

const redactor = new Redactor(config.identity);

test("credential keys are replaced whole, whatever their value's type", () => {
  const payload = redactor.redactRecord(
    {
      authorization: ["Bearer a", "b"],
      headers: { "X-Api-Key": "k-1", Cookie: "sid=1", accept: "*/*" },
      api_key: 12345678,
      raw_request: "R0VUIC8=",
      access_token: { nested: true },
    },
    [],
  );

  assert.deepEqual(JSON.parse(payload), {
    authorization: "[REDACTED]",
    headers: { "X-Api-Key": "[REDACTED]", Cookie: "[REDACTED]", accept: "*/*" },
    api_key: "[REDACTED]",
    raw_request: "[REDACTED]",
    access_token: "[REDACTED]",
  });
});

test("a secret found under a credential key is removed wherever else it appears", () => {
  const key = "00000000abcdef";
  const payload = redactor.redactRecord({ api_key: key, tags: [`key-${key}`], note: key }, []);

  assert.ok(!payload.includes(key));
  assert.match(payload, /"tags":\["key-\[REDACTED\]"\]/);
});

test("bearer credentials, JWTs, query values and random-looking runs are masked by shape", () => {
  const token = secret("Shape");
  const jwt = unsignedJwt({ sub: "x" });
  const payload = redactor.redactRecord(
    {
      a: `auth was Bearer ${token}`,
      b: `jwt ${jwt} here`,
      c: `/p?x=${token}&y=2`,
      d: `opaque ${token} text`,
      e: "/api/v1/users/12345/orders",
    },
    [],
  );

  assert.ok(!payload.includes(token));
  assert.ok(!payload.includes(jwt));
  assert.match(payload, /"c":"\/p\?x=\[REDACTED\]&y=\[REDACTED\]"/);
  assert.match(payload, /"e":"\/api\/v1\/users\/12345\/orders"/, "ordinary paths are kept");
});

test("keys that hold secrets are scrubbed too", () => {
  const jwt = unsignedJwt({ sub: "x" });

  const payload = redactor.redactRecord({ querystring: { [jwt]: true } }, []);

  assert.ok(!payload.includes(jwt));
});

test("long payloads are cut to 4 KB", () => {
  const payload = redactor.redactRecord(
    { items: Array.from({ length: 50 }, (_, i) => `value-${i}-${"x".repeat(400)}`) },
    [],
  );

  assert.equal(payload.length, 4096);
});

test("scrubText removes known secrets and configured name=value pairs", () => {
  assert.equal(
    redactor.scrubText("/p;apikey=abc&x=1 client/ABCDEFGH12", ["ABCDEFGH12"]),
    "/p;apikey=[REDACTED]&x=1 client/[REDACTED]",
  );
});

test("scrubText removes bearer credentials and JWTs whatever the scheme's case", () => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

  assert.equal(redactor.scrubText("BEARER abc123", []), "BEARER [REDACTED]");
  assert.equal(redactor.scrubText("x Token%20abc123", []), "x Token [REDACTED]");
  assert.equal(redactor.scrubText(`agent ${jwt}`, []), "agent [REDACTED]");
  assert.equal(redactor.scrubText("/p?Access_Token=abc", []), "/p?Access_Token=[REDACTED]");
});

test("scrubText returns text without credential shapes unchanged", () => {
  const agent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36";

  assert.equal(redactor.scrubText(agent, ["not-in-the-text"]), agent);
  assert.equal(redactor.scrubText("GET", []), "GET");
});
