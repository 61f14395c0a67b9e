import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

/*
 * `replay --report` and `--quiet` on the command line, with the built CLI
 * and the bundled example, as the README tells a new user to run them.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE = "examples/gateway-logs.ndjson";

function tokenwatch(args: string[]) {
  const env = { ...process.env };
  delete env.TOKENWATCH_FINGERPRINT_KEY;
  const result = spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), ...args], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("the README's report command writes a report of the bundled example", () => {
  const report = join(mkdtempSync(join(tmpdir(), "tokenwatch-report-")), "report.html");
  const { code, stderr } = tokenwatch(["replay", EXAMPLE, "--report", report]);
  const html = readFileSync(report, "utf8");

  assert.equal(code, 0);
  assert.match(stderr, new RegExp(`report {13}${report}`));
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes('id="token-YpIT6XGUc5mcSAlOCRronw"'));
  assert.match(html, /<td>rejected<\/td><td>1 \(invalid_json=1\)<\/td>/);
  // No script or style is fetched: every one is inline.
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+stylesheet/);
});

test("a --report path that cannot be written fails before replaying, exit 2", () => {
  const { code, stdout, stderr } = tokenwatch([
    "replay",
    EXAMPLE,
    "--report",
    "/nonexistent-folder/report.html",
  ]);

  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.equal(
    stderr.trim(),
    "tokenwatch: cannot write the report to /nonexistent-folder/report.html (ENOENT); " +
      "pass --report a path in a writable folder",
  );
});

test("--quiet keeps the decisions on stdout and drops the summary", () => {
  const { code, stdout, stderr } = tokenwatch(["replay", EXAMPLE, "--quiet", "--json"]);

  assert.equal(code, 0);
  assert.equal(stdout.trim().split("\n").length, 1);
  assert.equal(JSON.parse(stdout).action, "revoke");
  assert.doesNotMatch(stderr, /replay summary/);
});

test("a missing input file is one sentence with the fix, exit 2", () => {
  const { code, stderr } = tokenwatch(["replay", "no-such-file.ndjson"]);

  assert.equal(code, 2);
  assert.equal(
    stderr.trim(),
    "tokenwatch: replay input no-such-file.ndjson does not exist; " +
      "pass an NDJSON log file, or - to read stdin",
  );
});

test("a usage error exits 2 with a pointer to --help, not the whole help text", () => {
  const { code, stderr } = tokenwatch(["replay", EXAMPLE, "--no-such-option"]);

  assert.equal(code, 2);
  assert.equal(
    stderr.trim(),
    "error: unknown option '--no-such-option'\n(add --help for the options and an example)",
  );
});
