import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type DecodedItem,
  decodeMessage,
  jsonDepth,
  MAX_EVENTS_PER_MESSAGE,
} from "../../src/ingest/decode.js";

const limits = { maxMessageBytes: 1024, maxDepth: 4 };

function reasons(items: DecodedItem[]): string[] {
  return items.map((item) => ("reject" in item ? item.reject.reason : "record"));
}

test("one JSON object is one record", () => {
  const items = decodeMessage(Buffer.from('{"a":1}'), limits);

  assert.deepEqual(items, [{ index: 0, record: { a: 1 } }]);
});

test("a JSON array is one record per element, and a bad element is rejected alone", () => {
  const items = decodeMessage('[{"a":1}, 7, "nope", {"b":2}, [1], "{broken"]', limits);

  assert.deepEqual(reasons(items), [
    "record",
    "wrong_shape",
    "wrong_shape",
    "record",
    "wrong_shape",
    "invalid_json",
  ]);
  assert.deepEqual(
    items.map((item) => item.index),
    [0, 1, 2, 3, 4, 5],
  );
});

test("a JSON string wrapping an event or an array is unwrapped", () => {
  const wrappedObject = JSON.stringify(JSON.stringify({ a: 1 }));
  const wrappedArray = JSON.stringify(JSON.stringify([{ a: 1 }, { a: 2 }]));
  const wrappedElement = JSON.stringify([JSON.stringify({ a: 3 })]);

  assert.deepEqual(decodeMessage(wrappedObject, limits), [{ index: 0, record: { a: 1 } }]);
  assert.equal(decodeMessage(wrappedArray, limits).length, 2);
  assert.deepEqual(decodeMessage(wrappedElement, limits), [{ index: 0, record: { a: 3 } }]);
});

test("invalid UTF-8 bytes are rejected as invalid_utf8", () => {
  const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);

  assert.deepEqual(reasons(decodeMessage(bytes, limits)), ["invalid_utf8"]);
});

test("a message over maxMessageBytes is rejected before parsing", () => {
  const big = Buffer.alloc(2000, 0x20);

  assert.deepEqual(reasons(decodeMessage(big, limits)), ["oversized"]);
  assert.deepEqual(reasons(decodeMessage(" ".repeat(2000), limits)), ["oversized"]);
});

test("nesting beyond maxDepth is rejected as too_deep without recursion", () => {
  const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
  const limitsLarge = { maxMessageBytes: 1_000_000, maxDepth: 32 };

  assert.deepEqual(reasons(decodeMessage('{"a":{"b":{"c":{"d":{}}}}}', limits)), ["too_deep"]);
  assert.deepEqual(reasons(decodeMessage(deep, limitsLarge)), ["too_deep"]);
});

test("nesting of exactly maxDepth is accepted, one level more is not", () => {
  assert.deepEqual(reasons(decodeMessage('{"a":{"b":{"c":[1]}}}', limits)), ["record"]);
  assert.deepEqual(reasons(decodeMessage('{"a":{"b":{"c":[[1]]}}}', limits)), ["too_deep"]);
});

test("a shallow record with many brackets in its strings is not too deep", () => {
  const record = JSON.stringify({ ua: "[[[[[[{{{{{{", path: "/a[1][2][3]" });

  assert.deepEqual(reasons(decodeMessage(record, limits)), ["record"]);
});

test("brackets inside strings do not count towards depth", () => {
  assert.equal(jsonDepth('{"a":"[[[[{{{{\\"[["}'), 1);
  assert.equal(jsonDepth('[{"a":[1]}]'), 3);
});

test("text that is not JSON, and JSON that is not an object, are rejected", () => {
  assert.deepEqual(reasons(decodeMessage("{nope", limits)), ["invalid_json"]);
  assert.deepEqual(reasons(decodeMessage("42", limits)), ["wrong_shape"]);
  assert.deepEqual(reasons(decodeMessage("null", limits)), ["wrong_shape"]);
  assert.deepEqual(reasons(decodeMessage('"just text"', limits)), ["invalid_json"]);
});

test("an empty array is no event and no reject", () => {
  assert.deepEqual(decodeMessage("[]", limits), []);
});

test("an array of more events than a message may hold is refused whole as oversized", () => {
  const roomy = { maxMessageBytes: 1_000_000, maxDepth: 4 };
  const full = JSON.stringify(new Array(MAX_EVENTS_PER_MESSAGE).fill({ a: 1 }));
  const over = JSON.stringify(new Array(MAX_EVENTS_PER_MESSAGE + 1).fill({ a: 1 }));

  assert.equal(decodeMessage(full, roomy).length, MAX_EVENTS_PER_MESSAGE);
  const refused = decodeMessage(over, roomy);
  assert.equal(refused.length, 1);
  const [only] = refused as [DecodedItem];
  assert.ok("reject" in only && only.reject.reason === "oversized", JSON.stringify(only));
  assert.match(only.reject.message, /10001 events, at most 10000/);
});
