import assert from "node:assert/strict";
import { test } from "node:test";
import {
  credentialValues,
  extractCredential,
  parseCookieHeader,
} from "../../src/identity/extract-token.js";
import type { CredentialMaterial } from "../../src/ingest/gateway-format.js";
import { config, secret, unsignedJwt } from "../ingest/support.js";

function material(parts: Partial<CredentialMaterial>): CredentialMaterial {
  return { headers: {}, query: {}, gatewayKey: null, ...parts };
}

const cfg = config.identity;

test("Bearer is accepted in any case", () => {
  for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) {
    const found = extractCredential(
      material({ headers: { authorization: `${scheme}  tok-1` } }),
      cfg,
    );
    assert.deepEqual(found, { secret: "tok-1", location: "header", kind: "opaque" });
  }
});

test("a bearer JWT is of kind jwt", () => {
  const jwt = unsignedJwt({ sub: "a" });

  const found = extractCredential(material({ headers: { authorization: `Bearer ${jwt}` } }), cfg);

  assert.equal(found?.kind, "jwt");
});

test("a bare Authorization value is an API key, as Tyk sends it", () => {
  const found = extractCredential(material({ headers: { authorization: "k-123456" } }), cfg);

  assert.deepEqual(found, { secret: "k-123456", location: "header", kind: "apikey" });
});

test("Basic, Digest, placeholders and masks are not tokens", () => {
  for (const value of [
    "Basic dXNlcjpwYXNz",
    "Digest username=x",
    "Bearer",
    "REDACTED",
    "****abcd",
    "-",
    "",
  ]) {
    assert.equal(
      extractCredential(material({ headers: { authorization: value } }), cfg),
      null,
      value,
    );
  }
});

test("configured API-key headers are read after Authorization", () => {
  const found = extractCredential(material({ headers: { "x-api-key": "key-77" } }), cfg);

  assert.deepEqual(found, { secret: "key-77", location: "header", kind: "apikey" });
});

test("configured query parameters are read, names matched without case", () => {
  const jwt = unsignedJwt({ sub: "q" });

  assert.deepEqual(extractCredential(material({ query: { API_KEY: "k9" } }), cfg), {
    secret: "k9",
    location: "query",
    kind: "apikey",
  });
  assert.deepEqual(extractCredential(material({ query: { access_token: "t9" } }), cfg), {
    secret: "t9",
    location: "query",
    kind: "opaque",
  });
  assert.equal(extractCredential(material({ query: { jwt } }), cfg)?.kind, "jwt");
  assert.equal(extractCredential(material({ query: { page: "2" } }), cfg), null);
});

test("configured cookies are read from the Cookie header", () => {
  const withCookies = { ...cfg, cookies: ["session"] };
  const cookie = 'theme=dark; session="s-42"; other=1';

  const found = extractCredential(material({ headers: { cookie } }), withCookies);

  assert.deepEqual(found, { secret: "s-42", location: "cookie", kind: "opaque" });
  assert.equal(extractCredential(material({ headers: { cookie } }), cfg), null);
});

test("the gateway key comes last, with no known location", () => {
  const found = extractCredential(material({ gatewayKey: "tyk-key-1" }), cfg);
  const header = extractCredential(
    material({ headers: { apikey: "from-header" }, gatewayKey: "tyk-key-1" }),
    cfg,
  );

  assert.deepEqual(found, { secret: "tyk-key-1", location: "none", kind: "apikey" });
  assert.equal(header?.secret, "from-header");
});

test("cookie parsing keeps the first occurrence and strips quotes", () => {
  const cookies = parseCookieHeader('a=1; b="two"; a=3; junk; =x');

  assert.deepEqual(
    [...cookies],
    [
      ["a", "1"],
      ["b", "two"],
    ],
  );
});

test("credentialValues lists every value that may be a secret", () => {
  const key = secret("Values");
  const values = credentialValues(
    material({
      headers: { authorization: `Bearer ${key}`, cookie: "sid=abc12345" },
      query: { token: "q-secret-1" },
      gatewayKey: "gw-key-001",
    }),
    cfg,
  );

  for (const expected of [
    `Bearer ${key}`,
    key,
    "sid=abc12345",
    "abc12345",
    "q-secret-1",
    "gw-key-001",
  ]) {
    assert.ok(values.includes(expected), expected);
  }
});
