import assert from "node:assert/strict";
import { test } from "node:test";
import { RejectedInputError } from "../../../src/errors.js";
import { parseTimestamp } from "../../../src/ingest/formats/time.js";

test("epoch numbers in s, ms, µs and ns all become ms", () => {
  assert.equal(parseTimestamp(1699596164, "t"), 1699596164000);
  assert.equal(parseTimestamp(1699596164.55, "t"), 1699596164550);
  assert.equal(parseTimestamp(1699596164550, "t"), 1699596164550);
  assert.equal(parseTimestamp(1699596164550123, "t"), 1699596164550);
  assert.equal(parseTimestamp(1699596164550123500, "t"), 1699596164550);
});

test("NGINX $msec text is seconds with a millisecond fraction", () => {
  assert.equal(parseTimestamp("1699596164.550", "msec"), 1699596164550);
});

test("ISO 8601 with Z, offsets, no zone, and nanosecond fractions", () => {
  assert.equal(
    parseTimestamp("2023-02-23T16:29:27.53328605Z", "t"),
    Date.UTC(2023, 1, 23, 16, 29, 27, 533),
  );
  assert.equal(parseTimestamp("2023-02-23T18:29:27+02:00", "t"), Date.UTC(2023, 1, 23, 16, 29, 27));
  assert.equal(
    parseTimestamp("2023-02-23T11:29:27.1-0500", "t"),
    Date.UTC(2023, 1, 23, 16, 29, 27, 100),
  );
  assert.equal(parseTimestamp("2023-02-23 16:29:27", "t"), Date.UTC(2023, 1, 23, 16, 29, 27));
});

test("Common Log Format applies its offset", () => {
  assert.equal(
    parseTimestamp("10/Oct/2000:13:55:36 -0700", "t"),
    Date.UTC(2000, 9, 10, 20, 55, 36),
  );
  assert.equal(parseTimestamp("15/Jul/2021:05:35:16 +0000", "t"), Date.UTC(2021, 6, 15, 5, 35, 16));
});

test("unset markers are null: -, empty, -1, 0, null", () => {
  for (const value of ["-", "", "-1", -1, 0, null, undefined]) {
    assert.equal(parseTimestamp(value, "t"), null, String(value));
  }
});

test("text that is not a time, impossible dates and wrong types are invalid fields", () => {
  for (const value of [
    "yesterday",
    "2023-02-31T00:00:00Z",
    "99/Foo/2000:00:00:00 +0000",
    true,
    {},
  ]) {
    assert.throws(
      () => parseTimestamp(value, "start_time"),
      (error: unknown) =>
        error instanceof RejectedInputError &&
        error.reason === "invalid_field" &&
        error.message.includes("start_time"),
    );
  }
});
