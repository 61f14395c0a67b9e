import assert from "node:assert/strict";
import { test } from "node:test";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import { expectedFingerprint, KEY } from "../ingest/support.js";

test("a secret's fingerprint is the first 16 bytes of HMAC-SHA256, base64url", () => {
  const fp = new Fingerprinter(KEY).fingerprint("abc123");

  assert.equal(fp, expectedFingerprint("abc123"));
  assert.match(fp, /^[A-Za-z0-9_-]{22}$/);
});

test("the same secret under another key has another fingerprint", () => {
  const a = new Fingerprinter(KEY).fingerprint("abc123");
  const b = new Fingerprinter(`${KEY}-other`).fingerprint("abc123");

  assert.notEqual(a, b);
});

test("an id is namespaced, so it never collides with a token of the same text", () => {
  const fingerprinter = new Fingerprinter(KEY);

  assert.equal(
    fingerprinter.fingerprintId("credential", "abc"),
    expectedFingerprint("credential:abc"),
  );
  assert.notEqual(
    fingerprinter.fingerprintId("credential", "abc"),
    fingerprinter.fingerprint("abc"),
  );
  assert.notEqual(
    fingerprinter.fingerprintId("credential", "abc"),
    fingerprinter.fingerprintId("consumer", "abc"),
  );
});

test("an empty key is refused", () => {
  assert.throws(() => new Fingerprinter(""), TypeError);
});
