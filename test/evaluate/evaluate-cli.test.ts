import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

/*
 * `tokenwatch simulate` and `tokenwatch evaluate` run as a user runs them:
 * the CLI entry point in a child process, files on disk, exit codes.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tokenwatch-evaluate-cli-"));

function tokenwatch(args: string[]) {
  const env = { ...process.env };
  delete env.TOKENWATCH_FINGERPRINT_KEY;
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("both commands explain themselves with an example", () => {
  for (const command of ["simulate", "evaluate"]) {
    const help = tokenwatch([command, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`Example:\\n  tokenwatch ${command} `));
  }
});

test("a bad argument is one sentence and exit code 2", () => {
  const out = join(dir, "never.ndjson");
  const result = tokenwatch(["simulate", "-o", out, "-l", out, "--format", "gopher"]);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr.trim(),
    'tokenwatch: --format must be one of canonical, kong, apisix, got "gopher"',
  );
});

test("simulate then evaluate: the exit code says whether the targets were met", () => {
  const traffic = join(dir, "traffic.ndjson");
  const labels = join(dir, "labels.ndjson");
  const reportPath = join(dir, "report.json");
  const args = ["-o", traffic, "-l", labels, "--tokens", "17", "--days", "1", "--seed", "9"];
  const simulated = tokenwatch(["simulate", ...args, "--format", "kong"]);
  assert.equal(simulated.code, 0, simulated.stderr);
  assert.match(simulated.stderr, /simulated \d+ events of 17 tokens \(\d+ attacked\) over 1 days/);

  const evaluated = tokenwatch(["evaluate", traffic, "-l", labels, "--report", reportPath]);
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  assert.equal(report.input.tokens, 17);
  assert.equal(report.tokenwatch.unlabelledTokens, 0, "labels match the pipeline's fingerprints");
  // The defaults do not meet the revocation-recall target yet (docs/evaluation.md).
  assert.equal(report.targetsMet, false);
  assert.equal(evaluated.code, 3);
  assert.match(evaluated.stdout, /^evaluated \d+ events of 17 labelled tokens/);
  assert.match(evaluated.stderr, /targets missed: /);

  const reported = tokenwatch(["evaluate", traffic, "-l", labels, "--no-targets"]);
  assert.equal(reported.code, 0, "--no-targets reports the gaps but exits 0");
  assert.match(reported.stdout, /targets \(tokenwatch\)/);
  assert.doesNotMatch(reported.stderr, /targets missed: /);
});
