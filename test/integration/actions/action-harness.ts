import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { buildActions } from "../../../src/act/build-actions.js";
import { KafkaOutputs } from "../../../src/act/kafka-outputs.js";
import { createRevocationSigner } from "../../../src/act/revocation-signer.js";
import { type Config, configSchema } from "../../../src/config/schema.js";
import { RedisRevocationBudget } from "../../../src/decide/revocation-budget.js";
import { Fingerprinter } from "../../../src/identity/fingerprint.js";
import { Metrics } from "../../../src/observe/metrics.js";
import { buildPipeline } from "../../../src/pipeline/build-pipeline.js";
import type { InputMessage, Pipeline } from "../../../src/pipeline/pipeline.js";
import { connectRedis } from "../../../src/state/redis-client.js";
import { RedisTokenStateStore } from "../../../src/state/redis-store.js";
import { REDIS_URL } from "../../state/redis-fixture.js";
import { createTopics, KAFKA_BROKERS, testKafka, uniqueName } from "../../support/kafka.js";
import { deleteKeys } from "../../support/secrets.js";

export const FINGERPRINT_KEY = "actions-integration-fingerprint-key-01";
export const fingerprinter = new Fingerprinter(FINGERPRINT_KEY);

/** A rule that fires on every request of every token and asks for a revocation. */
export const EVERY_TOKEN_RULE = `version: 1
rules:
  - id: fires-on-everything
    version: 3
    description: Test rule; every request of every token is suspicious.
    condition: window.requests1h >= 1
    severity: high
    score: 95
    action: revoke
    mode: enforce
    cooldown: 1h
    evidence:
      - window.requests1h
`;

/** The topics one test file publishes to, unique per run. */
export function actionTopics() {
  return {
    alerts: uniqueName("tw-act-alerts"),
    revocations: uniqueName("tw-act-revocations"),
    audit: uniqueName("tw-act-audit"),
    deadLetter: uniqueName("tw-act-dlq"),
    actionsDeadLetter: uniqueName("tw-act-actions-dlq"),
  };
}

export interface Harness {
  readonly pipeline: Pipeline;
  readonly config: Config;
  readonly redis: Redis;
  readonly metrics: Metrics;
  readonly topics: ReturnType<typeof actionTopics>;
  /** Feed canonical events as one batch, each its own Kafka-like record. */
  batch(events: readonly object[]): ReturnType<Pipeline["processBatch"]>;
  close(): Promise<void>;
}

/**
 * The service's action path, assembled as `tokenwatch run` assembles it
 * (same builders), against the real broker and Redis. Input is handed to the
 * pipeline directly so a test controls batch boundaries; every output goes
 * through the real producer, Redis and HTTP.
 */
export async function startHarness(
  overrides: Record<string, unknown>,
  /** Rule files of `rules/` to load beside the every-token rule, e.g. `revocation.yaml`. */
  productRules: readonly string[] = [],
): Promise<Harness> {
  const topics = actionTopics();
  const keyPrefix = `${uniqueName("twact")}:`;
  const rulesDir = mkdtempSync(join(tmpdir(), "tw-act-rules-"));
  writeFileSync(join(rulesDir, "every-token.yaml"), EVERY_TOKEN_RULE);
  for (const file of productRules) {
    copyFileSync(new URL(`../../../rules/${file}`, import.meta.url), join(rulesDir, file));
  }

  const config = configSchema.parse({
    ...overrides,
    kafka: {
      brokers: KAFKA_BROKERS,
      alertsTopic: topics.alerts,
      revocationsTopic: topics.revocations,
      deadLetterTopic: topics.deadLetter,
    },
    redis: { url: REDIS_URL, keyPrefix },
    rules: { dir: rulesDir },
    audit: { topic: topics.audit, log: false },
    revocations: {
      ...((overrides.revocations as object) ?? {}),
      denylistPrefix: `${keyPrefix}deny:`,
    },
    webhooks: {
      ...((overrides.webhooks as object) ?? {}),
      deadLetterTopic: topics.actionsDeadLetter,
    },
  });
  const kafka = testKafka();
  await createTopics(kafka, Object.values(topics), 1);

  const log = pino({ level: "silent" });
  const metrics = new Metrics();
  const redis = await connectRedis(REDIS_URL, { connectionName: "tokenwatch-test" });
  const store = new RedisTokenStateStore(redis, config.state, keyPrefix, { quitOnClose: false });
  const actions = buildActions(config, redis, metrics, log);
  const outputs = new KafkaOutputs(kafka, config.kafka, metrics, log, {
    signer: await createRevocationSigner(config.revocations),
    targets: actions.targets,
    audit: config.audit,
    policy: config.policy,
    revocations: config.revocations,
  });
  await outputs.connect();
  const budget = new RedisRevocationBudget(redis, keyPrefix, {
    perMinute: config.guards.revocationsPerMinute,
    perConsumerPerMinute: config.guards.revocationsPerConsumerPerMinute,
  });
  const pipeline = await buildPipeline({
    config,
    fingerprinter,
    store,
    outputs,
    metrics,
    log,
    now: () => Number.MAX_SAFE_INTEGER / 2,
    guards: { budget, budgetClock: () => Date.now() },
    ...(actions.enforcement ? { enforcement: actions.enforcement } : {}),
  });

  let offset = 0;
  return {
    pipeline,
    config,
    redis,
    metrics,
    topics,
    batch(events) {
      const messages: InputMessage[] = events.map((event) => ({
        value: JSON.stringify(event),
        stream: "gateway-logs",
        partition: 0,
        offset: offset++,
      }));
      return pipeline.processBatch(messages);
    },
    async close() {
      await outputs.close();
      await deleteKeys(redis, keyPrefix);
      await store.close();
      redis.disconnect();
    },
  };
}

/** A canonical gateway event carrying `token` as a bearer token. */
export function requestWith(
  token: string,
  ts: number,
  fields: { status?: number; consumerId?: string; clientIp?: string } = {},
): object {
  return {
    ts,
    clientIp: fields.clientIp ?? "198.51.100.7",
    gateway: "kong",
    requestId: null,
    userAgent: "curl/8.7.1",
    method: "GET",
    scheme: "https",
    host: "api.example.com",
    path: "/v1/orders",
    status: fields.status ?? 200,
    latencyMs: 3,
    routeId: "orders",
    serviceId: "orders-svc",
    consumerId: fields.consumerId ?? "alice",
    credentialId: null,
    headers: { authorization: `Bearer ${token}` },
  };
}

/** Wait until the current wall-clock minute has at least `ms` left (budget windows). */
export async function awayFromMinuteEdge(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
