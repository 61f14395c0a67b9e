import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { signBody, verifyBody } from "../../src/act/webhook-signature.js";

const SECRET = "webhook-secret-0123456789";
const BODY = '{"type":"tokenwatch.decision","id":"abc"}';
const NOW_S = 1_800_000_000;

test("the signature is v1= and the hex HMAC-SHA256 of timestamp, a dot, and the body", () => {
  const expected = createHmac("sha256", SECRET).update(`${NOW_S}.${BODY}`).digest("hex");

  assert.equal(signBody(SECRET, NOW_S, BODY), `v1=${expected}`);
});

test("a receiver accepts the signature of the exact body within the tolerance", () => {
  const signature = signBody(SECRET, NOW_S, BODY);
  const headers = { timestamp: String(NOW_S), signature };

  assert.equal(verifyBody(SECRET, headers, BODY, { nowS: NOW_S + 299 }), true);
});

test("a changed body, a wrong secret or a swapped timestamp fails verification", () => {
  const signature = signBody(SECRET, NOW_S, BODY);

  const tampered = BODY.replace("abc", "abd");
  const ts = String(NOW_S);
  assert.equal(verifyBody(SECRET, { timestamp: ts, signature }, tampered, { nowS: NOW_S }), false);
  assert.equal(
    verifyBody("another-secret-0123456", { timestamp: ts, signature }, BODY, { nowS: NOW_S }),
    false,
  );
  const later = String(NOW_S + 10);
  assert.equal(
    verifyBody(SECRET, { timestamp: later, signature }, BODY, { nowS: NOW_S + 10 }),
    false,
  );
});

test("a replay older than the tolerance is refused even with a valid signature", () => {
  const signature = signBody(SECRET, NOW_S, BODY);
  const headers = { timestamp: String(NOW_S), signature };

  assert.equal(verifyBody(SECRET, headers, BODY, { nowS: NOW_S + 301 }), false);
  assert.equal(verifyBody(SECRET, { timestamp: undefined, signature }, BODY), false);
});
