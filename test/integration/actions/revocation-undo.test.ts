import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { REDIS_URL } from "../../state/redis-fixture.js";
import { KAFKA_BROKERS } from "../../support/kafka.js";
import { fingerprinter, type Harness, requestWith, startHarness } from "./action-harness.js";

/*
 * An operator takes a revocation back with `tokenwatch revocations undo`
 * (the real CLI, in a child process) while the pipeline keeps reading the
 * token's traffic, against the real broker and Redis: the token's normal
 * use afterwards raises nothing, and a later sharing episode revokes it
 * again.
 */

const MAIN = fileURLToPath(new URL("../../../src/cli/main.ts", import.meta.url));
const TOKEN = "undone-token-PLANTED-8e21";
const FP = fingerprinter.fingerprint(TOKEN);
const TS = Date.UTC(2026, 10, 2, 13, 0, 0);
const MINUTE = 60_000;
let harness: Harness;

function undo(): { code: number | null; stdout: string; stderr: string } {
  const { config } = harness;
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", MAIN, "revocations", "undo", FP, "--reason", "customer VPN"],
    {
      encoding: "utf8",
      env: {
        ...process.env,
        TOKENWATCH_KAFKA_BROKERS: KAFKA_BROKERS.join(","),
        TOKENWATCH_KAFKA_REVOCATIONS_TOPIC: config.kafka.revocationsTopic,
        TOKENWATCH_AUDIT_TOPIC: config.audit.topic ?? "",
        TOKENWATCH_REDIS_URL: REDIS_URL,
        TOKENWATCH_REDIS_KEY_PREFIX: config.redis.keyPrefix,
        TOKENWATCH_REVOCATIONS_DENYLIST_PREFIX: config.revocations.denylistPrefix,
      },
      timeout: 60_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(async () => {
  harness = await startHarness({ guards: { enforcementGraceMs: MINUTE } }, ["revocation.yaml"]);
});

after(async () => {
  await harness.close();
});

test("after undo, use raises no revocation alert and the token can be revoked again", async () => {
  const revoked = await harness.batch([requestWith(TOKEN, TS)]);
  const withdrawn = undo();
  const normalUse = await harness.batch([
    requestWith(TOKEN, TS + 10 * MINUTE),
    requestWith(TOKEN, TS + 11 * MINUTE, { status: 401 }),
    requestWith(TOKEN, TS + 50 * MINUTE),
  ]);
  const sharedAgain = await harness.batch([requestWith(TOKEN, TS + 2 * 60 * MINUTE)]);

  assert.deepEqual(
    revoked.decisions.map((d) => [d.action, d.ruleId]),
    [["revoke", "fires-on-everything"]],
  );
  assert.equal(withdrawn.code, 0, withdrawn.stderr);
  assert.deepEqual(
    normalUse.decisions.map((d) => d.ruleId),
    [],
    "no revocation-not-enforced, no revoked-token-retried",
  );
  assert.deepEqual(normalUse.guardAlerts ?? [], []);
  assert.deepEqual(
    sharedAgain.decisions.map((d) => [d.action, d.guard]),
    [["revoke", null]],
    "a withdrawn token is revocable again, not already_revoked",
  );
  assert.match(withdrawn.stdout, /revocation claim withdrawn, revoked mark cleared\n$/);
});
