import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { stringify } from "yaml";
import { SIGNATURE_HEADERS, verifyBody } from "../../../src/act/webhook-signature.js";
import { type Receiver, startReceiver } from "../../act/http-receiver.js";
import { REDIS_URL } from "../../state/redis-fixture.js";
import {
  createTopics,
  KAFKA_BROKERS,
  produce,
  readTopic,
  testKafka,
  uniqueName,
} from "../../support/kafka.js";
import { deleteKeys } from "../../support/secrets.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import { EVERY_TOKEN_RULE, FINGERPRINT_KEY, fingerprinter, requestWith } from "./action-harness.js";

/*
 * `tokenwatch run` as a separate process, configured from a YAML file, so the
 * wiring in run-command (signer, denylist, webhooks, ledger, HTTP routes) is
 * what is under test. Needs `npm run build`.
 */

const TOKEN = "wired-service-token-PLANTED-44d0";
const FP = fingerprinter.fingerprint(TOKEN);
const SECRET = "wiring-webhook-secret-0001";
const kafka = testKafka();
const keyPrefix = `${uniqueName("twwire")}:`;
const topics = {
  logs: uniqueName("tw-wire-logs"),
  alerts: uniqueName("tw-wire-alerts"),
  revocations: uniqueName("tw-wire-rev"),
  audit: uniqueName("tw-wire-audit"),
};
let redis: Redis;
let receiver: Receiver;
let service: ServiceProcess;
let base: string;

before(async () => {
  redis = new Redis(REDIS_URL);
  receiver = await startReceiver([]);
  await createTopics(kafka, Object.values(topics), 1);
  const dir = mkdtempSync(join(tmpdir(), "tw-wire-"));
  // Rules in their own folder: every *.yaml beside them would be read as a rule file.
  const rulesDir = mkdtempSync(join(dir, "rules-"));
  writeFileSync(join(rulesDir, "every-token.yaml"), EVERY_TOKEN_RULE);
  const configFile = join(dir, "tokenwatch.yaml");
  writeFileSync(
    configFile,
    stringify({
      kafka: {
        brokers: KAFKA_BROKERS,
        topics: [topics.logs],
        groupId: uniqueName("tw-wire-group"),
        alertsTopic: topics.alerts,
        revocationsTopic: topics.revocations,
      },
      redis: { url: REDIS_URL, keyPrefix },
      rules: { dir: rulesDir },
      revocations: { denylistPrefix: `${keyPrefix}deny:` },
      audit: { topic: topics.audit },
      webhooks: {
        endpoints: [{ name: "soc", url: receiver.url, secret: SECRET, minSeverity: "low" }],
      },
      server: { port: 0 },
    }),
  );

  await produce(kafka, topics.logs, [
    { key: "t", value: JSON.stringify(requestWith(TOKEN, Date.UTC(2026, 10, 2, 12))) },
  ]);
  service = startService(["run", "-c", configFile], {
    TOKENWATCH_FINGERPRINT_KEY: FINGERPRINT_KEY,
  });
  await service.waitFor('"msg":"consuming"', 30_000);
  const port = /"msg":"http server listening"/.test(service.output())
    ? Number(/"port":(\d+),"msg":"http server listening"/.exec(service.output())?.[1])
    : 0;
  base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (receiver.requests.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

after(async () => {
  await service.stop("SIGTERM");
  await receiver.close();
  await deleteKeys(redis, keyPrefix);
  redis.disconnect();
});

test("the service signs and sends the decision to the configured webhook", () => {
  assert.equal(receiver.requests.length, 1);
  const request = receiver.requests[0];
  const headers = {
    timestamp: request?.headers[SIGNATURE_HEADERS.timestamp] as string,
    signature: request?.headers[SIGNATURE_HEADERS.signature] as string,
  };
  assert.equal(verifyBody(SECRET, headers, request?.body ?? ""), true);
  assert.equal(JSON.parse(request?.body ?? "{}").token, FP);
});

test("the service serves the denylist entry it wrote, and ext-authz denies the token", async () => {
  const entry = await fetch(`${base}/v1/denylist/${FP}`);
  const denied = await fetch(`${base}/v1/ext-authz/orders`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });

  assert.equal(entry.status, 200);
  assert.equal(((await entry.json()) as { ruleId: string }).ruleId, "fires-on-everything");
  assert.equal(denied.status, 403);
  assert.ok(await redis.exists(`${keyPrefix}deny:${FP}`));
});

test("the revocation and the audit record are on their topics", async () => {
  const revocations = await readTopic(kafka, topics.revocations, {
    timeoutMs: 10_000,
    until: (r) => r.length >= 1,
  });
  const audit = await readTopic(kafka, topics.audit, {
    timeoutMs: 10_000,
    until: (r) => r.length >= 1,
  });

  assert.equal(revocations.length, 1);
  assert.equal(revocations[0]?.key, FP);
  assert.equal(JSON.parse(audit[0]?.value ?? "{}").action, "revoke");
});

test("/metrics reports rule quality from the ledger and no raw token anywhere", async () => {
  const text = await (await fetch(`${base}/metrics`)).text();

  assert.match(text, /tokenwatch_rule_decisions\{rule="fires-on-everything"\} 1\n/);
  assert.match(text, /tokenwatch_revocations_total\{outcome="published"\} 1\n/);
  assert.equal(service.output().includes(TOKEN), false, "the raw token is never logged");
});
