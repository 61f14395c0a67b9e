import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pino from "pino";
import { buildActions } from "../../../src/act/build-actions.js";
import { KafkaOutputs } from "../../../src/act/kafka-outputs.js";
import { configSchema } from "../../../src/config/schema.js";
import { Metrics } from "../../../src/observe/metrics.js";
import { connectRedis } from "../../../src/state/redis-client.js";
import { testDecision } from "../../act/decisions.js";
import { type Receiver, startReceiver } from "../../act/http-receiver.js";
import { REDIS_URL } from "../../state/redis-fixture.js";
import {
  createTopics,
  KAFKA_BROKERS,
  readTopic,
  testKafka,
  uniqueName,
} from "../../support/kafka.js";
import { deleteKeys } from "../../support/secrets.js";

/*
 * A delivery that fails part-way — the denylist write, after Kafka took the
 * batch's records — is retried by the consumer with the same effects. The
 * retry must resume at the failed step: nothing on the topics twice, no
 * second webhook, the published revocation counted once.
 */

const kafka = testKafka();
const topics = {
  alerts: uniqueName("tw-resume-alerts"),
  revocations: uniqueName("tw-resume-revocations"),
  audit: uniqueName("tw-resume-audit"),
  deadLetter: uniqueName("tw-resume-dlq"),
};
const prefix = `${uniqueName("twresume")}:`;
let webhook: Receiver;

before(async () => {
  webhook = await startReceiver([]);
  await createTopics(kafka, Object.values(topics), 1);
});

after(async () => {
  await webhook.close();
});

test("a delivery retried after the denylist failed sends nothing twice", async () => {
  const config = configSchema.parse({
    kafka: {
      brokers: KAFKA_BROKERS,
      alertsTopic: topics.alerts,
      revocationsTopic: topics.revocations,
      deadLetterTopic: topics.deadLetter,
    },
    redis: { url: REDIS_URL, keyPrefix: prefix },
    audit: { topic: topics.audit, log: false },
    revocations: { denylistPrefix: `${prefix}deny:` },
    webhooks: {
      endpoints: [
        {
          name: "ops",
          url: `${webhook.url}/hook`,
          secret: "resume-webhook-secret-01",
          minSeverity: "low",
        },
      ],
    },
  });
  const redis = await connectRedis(REDIS_URL);
  const metrics = new Metrics();
  const log = pino({ level: "silent" });
  const actions = buildActions(config, redis, metrics, log);
  const denylist = actions.targets?.denylist;
  assert.ok(denylist, "the denylist is on by default");
  const putMany = denylist.putMany.bind(denylist);
  let denylistWrites = 0;
  denylist.putMany = async (entries) => {
    denylistWrites += 1;
    if (denylistWrites === 1) throw new Error("denylist write refused (test)");
    return putMany(entries);
  };
  const outputs = new KafkaOutputs(kafka, config.kafka, metrics, log, {
    ...(actions.targets ? { targets: actions.targets } : {}),
    audit: config.audit,
    policy: config.policy,
  });
  await outputs.connect();

  try {
    const effects = { decisions: [testDecision({ id: "resume-decision-0001" })], rejects: [] };
    await assert.rejects(outputs.deliver(effects), /denylist write refused/);
    await outputs.deliver(effects);

    const read = (topic: string) =>
      readTopic(kafka, topic, { timeoutMs: 10_000, settleMs: 1_500, until: (r) => r.length > 0 });
    const [alerts, revocations, audits] = await Promise.all([
      read(topics.alerts),
      read(topics.revocations),
      read(topics.audit),
    ]);
    assert.equal(alerts.length, 1, "one alert");
    assert.equal(revocations.length, 1, "one revocation");
    assert.equal(audits.length, 1, "one audit record");
    assert.equal(denylistWrites, 2, "the failed step, and only it, ran again");
    assert.equal(webhook.requests.length, 1, "one webhook");
    assert.ok(await redis.get(`${prefix}deny:${testDecision().tokenFp}`), "denied in the end");
    const published = await metrics.registry.getSingleMetricAsString(
      "tokenwatch_revocations_total",
    );
    assert.match(published, /tokenwatch_revocations_total\{outcome="published"\} 1\n/);
  } finally {
    await outputs.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
});
