import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { DEVELOPMENT_FINGERPRINT_KEY } from "../../src/cli/dev-key.js";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import { FORMAT_NAMES } from "../../src/ingest/normalize.js";

/*
 * The built CLI, run the way the README tells a new user to run it.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(ROOT, "dist/cli/main.js");
const FIXTURES = join(ROOT, "test/fixtures/formats");

function tokenwatch(args: string[], input?: string) {
  const env = { ...process.env };
  delete env.TOKENWATCH_FINGERPRINT_KEY;
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env,
    input,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The example's shared token is alice's JWT; its fingerprint under the development key. */
function aliceFingerprint(): string {
  const example = readFileSync(join(ROOT, "examples/gateway-logs.ndjson"), "utf8");
  const jwt = /Bearer ([\w-]+\.[\w-]+\.[\w-]+)/.exec(example)?.[1];
  assert.ok(jwt, "the example carries a bearer JWT");
  return new Fingerprinter(DEVELOPMENT_FINGERPRINT_KEY).fingerprint(jwt);
}

test("replaying the bundled example revokes the shared token and nothing else", () => {
  const { code, stdout, stderr } = tokenwatch(["replay", "examples/gateway-logs.ndjson", "--json"]);
  const decisions = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));

  assert.equal(code, 0);
  assert.equal(decisions.length, 1);
  assert.equal(decisions[0].token, aliceFingerprint());
  assert.equal(decisions[0].action, "revoke");
  assert.equal(decisions[0].ruleId, "many-networks-short-window");
  assert.equal(decisions[0].consumerId, null);
  assert.equal(decisions[0].credentialId, null);
  assert.equal(typeof decisions[0].ts, "number");
  assert.match(stderr, /rejected\s+1 \(invalid_json=1\)/);
  assert.match(stderr, /public development key/);
});

test("replay without --json prints a readable decision line", () => {
  const { code, stdout } = tokenwatch(["replay", "examples/gateway-logs.ndjson"]);

  assert.equal(code, 0);
  assert.match(stdout, /REVOKE\s+token \S+\s+consumer -\s+rule many-networks-short-window/);
});

test("replay reads every supported format from stdin", () => {
  const lines = readdirSync(FIXTURES)
    .filter((name) => name.endsWith(".json"))
    .map((name) => JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, name), "utf8"))));

  const { code, stderr } = tokenwatch(["replay", "-"], `${lines.join("\n")}\n`);

  assert.equal(lines.length, FORMAT_NAMES.length);
  assert.equal(code, 0);
  assert.match(stderr, new RegExp(`events\\s+${FORMAT_NAMES.length} `));
  assert.match(stderr, /rejected\s+0\n/);
});

test("an unknown --format names the flag and the formats, one sentence and exit code 2", () => {
  const { code, stderr } = tokenwatch([
    "replay",
    "examples/gateway-logs.ndjson",
    "--format",
    "nope",
  ]);

  assert.equal(code, 2);
  assert.equal(
    stderr,
    `tokenwatch: --format nope: unknown format; use one of ${FORMAT_NAMES.join(", ")}\n`,
  );
  assert.match(stderr, /one of canonical, kong, /);
});

test("a directory as replay input is one sentence with the fix and exit code 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "tw-input-"));

  const { code, stderr } = tokenwatch(["replay", dir]);

  assert.equal(code, 2);
  assert.equal(
    stderr,
    `tokenwatch: replay input ${dir} is a directory; pass an NDJSON log file, or - to read stdin\n`,
  );
});

test("replay logs a rejected line by file and line number, not topic and offset", () => {
  const dir = mkdtempSync(join(tmpdir(), "tw-input-"));
  const file = join(dir, "logs.ndjson");
  writeFileSync(file, '{"ts": 1767225600000, "clientIp": "198.51.100.7"}\n\nnot json\n');

  const { code, stderr } = tokenwatch(["replay", file, "-q"]);
  const warning = stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .find((entry) => entry.reason === "invalid_json");

  assert.equal(code, 0, stderr);
  assert.equal(warning.file, file);
  assert.equal(warning.line, 3);
  assert.equal("topic" in warning || "offset" in warning || "partition" in warning, false);
});

test("a broken rules directory stops replay with file, line and field", () => {
  const dir = mkdtempSync(join(tmpdir(), "tw-rules-"));
  writeFileSync(
    join(dir, "bad.yaml"),
    [
      "version: 1",
      "rules:",
      "  - id: broken-rule",
      "    version: 1",
      "    description: refers to a window field that does not exist",
      "    condition: window.networks99m >= 5",
      "    severity: high",
      "    score: 50",
      "    action: alert",
      "    mode: enforce",
      "    cooldown: 10m",
    ].join("\n"),
  );

  const { code, stderr } = tokenwatch(["replay", "examples/gateway-logs.ndjson", "--rules", dir]);

  assert.equal(code, 2);
  assert.match(stderr, /bad\.yaml:6, rule broken-rule, field condition/);
});

test("replay sets aside events from the future but not old ones", () => {
  const event = (ts: number) =>
    JSON.stringify({
      ts,
      clientIp: "203.0.113.7",
      method: "GET",
      path: "/v1/orders",
      status: 200,
      headers: { authorization: "Bearer replay-time-check-token-0001" },
    });
  const tenYearsAhead = Date.now() + 10 * 365 * 86_400_000;
  const lines = [event(Date.parse("2019-05-01T10:00:00Z")), event(tenYearsAhead), event(1e20)];

  const { code, stderr } = tokenwatch(["replay", "-"], `${lines.join("\n")}\n`);

  assert.equal(code, 0);
  assert.match(stderr, /events\s+1 /);
  assert.match(stderr, /rejected\s+2 \(time_out_of_range=2\)/);
});

/** The built CLI run from a folder outside the repository, as after `npm install -g`. */
function tokenwatchElsewhere(args: string[]) {
  const env = { ...process.env };
  delete env.TOKENWATCH_FINGERPRINT_KEY;
  const cwd = mkdtempSync(join(tmpdir(), "tw-elsewhere-"));
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, env, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("replay run outside the repository uses the rules shipped in the package", () => {
  const example = join(ROOT, "examples/gateway-logs.ndjson");

  const { code, stdout, stderr } = tokenwatchElsewhere(["replay", example, "--json", "-q"]);

  assert.equal(code, 0, stderr);
  assert.equal(JSON.parse(stdout.trim()).action, "revoke");
});

test("rules validate run outside the repository validates the packaged rules", () => {
  const { code, stdout, stderr } = tokenwatchElsewhere(["rules", "validate"]);

  assert.equal(code, 0, stderr);
  assert.match(stdout, /many-networks-short-window v\d+ .*rules\/.*\.yaml:\d+/);
});

test("a rules directory that does not exist is one sentence suggesting --rules, exit 2", () => {
  const example = join(ROOT, "examples/gateway-logs.ndjson");

  const { code, stderr } = tokenwatchElsewhere(["replay", example, "--rules", "/nonexistent"]);

  assert.equal(code, 2);
  // Besides the JSON log lines (whose flush may come before or after it), one sentence.
  const sentences = stderr.split("\n").filter((line) => line !== "" && !line.startsWith("{"));
  assert.deepEqual(sentences, [
    "tokenwatch: /nonexistent: the rule directory does not exist; " +
      "pass --rules <dir> or set rules.dir",
  ]);
});
