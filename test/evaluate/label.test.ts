import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  LabelFileError,
  labelLine,
  readLabels,
  type TokenLabel,
} from "../../src/evaluate/label.js";
import { LABELS } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "tokenwatch-labels-"));

test("labels written as lines are read back keyed by fingerprint", () => {
  const path = join(dir, "labels.ndjson");
  writeFileSync(path, `${LABELS.map(labelLine).join("")}\n`);
  const labels = readLabels(path);
  assert.deepEqual([...labels.keys()], ["A", "B", "C", "D", "E"]);
  assert.deepEqual(labels.get("C"), LABELS[2]);
});

test("a bad line is refused with its file, line number and field", () => {
  const path = join(dir, "bad.ndjson");
  const bad = { ...LABELS[0], family: "pirate" };
  writeFileSync(path, `${labelLine(LABELS[1] as TokenLabel)}${JSON.stringify(bad)}\n`);
  assert.throws(
    () => readLabels(path),
    (err: unknown) =>
      err instanceof LabelFileError &&
      err.code === "ARGUMENT_INVALID" &&
      err.message.startsWith(`label file ${path}:2: family`),
  );
});

test("a label carrying an unknown field, such as a raw token, is refused", () => {
  const path = join(dir, "secret.ndjson");
  writeFileSync(path, `${JSON.stringify({ ...LABELS[0], token: "sk_live_abc" })}\n`);
  assert.throws(() => readLabels(path), LabelFileError);
});

test("a line that is not JSON is refused with its line number", () => {
  const path = join(dir, "broken.ndjson");
  writeFileSync(path, "{not json\n");
  assert.throws(() => readLabels(path), /broken\.ndjson:1:/);
});
