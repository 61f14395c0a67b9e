import assert from "node:assert/strict";
import { test } from "node:test";
import { durationMs } from "../../../src/detect/rules/duration.js";

test("durations with units become milliseconds", () => {
  assert.equal(durationMs("90s"), 90_000);
  assert.equal(durationMs("10m"), 600_000);
  assert.equal(durationMs("1h30m"), 5_400_000);
  assert.equal(durationMs("2d"), 172_800_000);
  assert.equal(durationMs("0s"), 0);
});

test("bare numbers, negatives and words are refused", () => {
  assert.equal(durationMs("10"), null);
  assert.equal(durationMs("-5m"), null);
  assert.equal(durationMs("soon"), null);
  assert.equal(durationMs(""), null);
});
