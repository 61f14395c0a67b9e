import assert from "node:assert/strict";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { KAFKA_BROKERS, uniqueName } from "../support/kafka.js";
import { type ServiceProcess, startService } from "../support/service-process.js";

/*
 * `tokenwatch run` must either work or exit: a service that printed a fatal
 * error but kept its sockets open would look alive to its supervisor (and
 * to Prometheus) while doing nothing, and no restart policy would mend it.
 */

const RULES = fileURLToPath(new URL("../../rules", import.meta.url));
const live: ServiceProcess[] = [];

function run(extra: Record<string, string>): ServiceProcess {
  const name = uniqueName("tw-lifecycle");
  const service = startService(["run"], {
    TOKENWATCH_KAFKA_BROKERS: KAFKA_BROKERS.join(","),
    TOKENWATCH_KAFKA_TOPICS: `${name}-logs`,
    TOKENWATCH_KAFKA_GROUP_ID: `${name}-group`,
    TOKENWATCH_REDIS_KEY_PREFIX: `${name}:`,
    TOKENWATCH_FINGERPRINT_KEY: "lifecycle-test-fingerprint-key-01",
    TOKENWATCH_SERVER_PORT: "0",
    TOKENWATCH_RULES_DIR: RULES,
    ...extra,
  });
  live.push(service);
  return service;
}

after(async () => {
  for (const service of live) await service.stop("SIGKILL");
});

test("an unreadable rule directory stops start-up with exit code 2", async () => {
  const service = run({ TOKENWATCH_RULES_DIR: "/nonexistent/rules" });

  assert.equal(await service.exited(15_000), 2);
  assert.match(service.output(), /the rule directory does not exist; pass --rules/);
});

test("an unreachable broker ends the process with exit code 1, not left up", async () => {
  const service = run({ TOKENWATCH_KAFKA_BROKERS: "127.0.0.1:1" });

  assert.equal(await service.exited(60_000), 1);
  assert.match(service.output(), /ECONNREFUSED 127\.0\.0\.1:1/);
  assert.match(service.output(), /"msg":"stopped"/);
});

test("a SIGTERM while start-up is stuck on the broker exits cleanly", async () => {
  const service = run({ TOKENWATCH_KAFKA_BROKERS: "127.0.0.1:1" });
  await service.waitFor('"msg":"http server listening"', 15_000);

  assert.equal(await service.stop("SIGTERM"), 0);
  assert.match(service.output(), /"signal":"SIGTERM"/);
});

test("an input topic that does not exist yet is waited for, then consumed", async () => {
  // The broker auto-creates the topic on the first metadata request; its
  // leader takes a moment, which used to end start-up with an error.
  const service = run({});
  await service.waitFor('"msg":"consuming"', 45_000);

  assert.equal(await service.stop("SIGTERM"), 0);
});
