import type { Kafka } from "kafkajs";
import { createTopics, uniqueName } from "./kafka.js";
import { FAULT_FINGERPRINT_KEY } from "./known-stream.js";

/** The topics, group and key prefix of one fault test, unique per run. */
export interface FaultSetup {
  readonly brokers: readonly string[];
  readonly redisUrl: string;
  readonly topics: {
    readonly logs: string;
    readonly alerts: string;
    readonly revocations: string;
    readonly deadLetter: string;
    readonly audit: string;
    readonly actionsDeadLetter: string;
  };
  readonly groupId: string;
  readonly keyPrefix: string;
}

/** Session timeout in fault tests: a killed member's partitions move on after this. */
export const FAULT_SESSION_TIMEOUT_MS = 6_000;

/** Create a fault test's topics (`partitions` for the input) on `kafka`. */
export async function createFaultSetup(
  kafka: Kafka,
  options: { name: string; brokers: readonly string[]; redisUrl: string; partitions: number },
): Promise<FaultSetup> {
  const setup: FaultSetup = {
    brokers: options.brokers,
    redisUrl: options.redisUrl,
    topics: {
      logs: uniqueName(`tw-${options.name}-logs`),
      alerts: uniqueName(`tw-${options.name}-alerts`),
      revocations: uniqueName(`tw-${options.name}-revocations`),
      deadLetter: uniqueName(`tw-${options.name}-dlq`),
      audit: uniqueName(`tw-${options.name}-audit`),
      actionsDeadLetter: uniqueName(`tw-${options.name}-actions-dlq`),
    },
    groupId: uniqueName(`tw-${options.name}-group`),
    keyPrefix: `${uniqueName(`tw${options.name}`)}:`,
  };
  await createTopics(kafka, [setup.topics.logs], options.partitions);
  const outputs = Object.values(setup.topics).filter((topic) => topic !== setup.topics.logs);
  await createTopics(kafka, outputs, 1);
  return setup;
}

/** The environment of a `tokenwatch run` process in a fault test. */
export function faultServiceEnv(
  setup: FaultSetup,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TOKENWATCH_KAFKA_BROKERS: setup.brokers.join(","),
    TOKENWATCH_KAFKA_TOPICS: setup.topics.logs,
    TOKENWATCH_KAFKA_GROUP_ID: setup.groupId,
    TOKENWATCH_KAFKA_ALERTS_TOPIC: setup.topics.alerts,
    TOKENWATCH_KAFKA_REVOCATIONS_TOPIC: setup.topics.revocations,
    TOKENWATCH_KAFKA_DEAD_LETTER_TOPIC: setup.topics.deadLetter,
    TOKENWATCH_AUDIT_TOPIC: setup.topics.audit,
    TOKENWATCH_WEBHOOKS_DEAD_LETTER_TOPIC: setup.topics.actionsDeadLetter,
    // The revocation budget is tested on its own; here every shared token must be revoked.
    TOKENWATCH_GUARDS_REVOCATIONS_PER_MINUTE: "0",
    TOKENWATCH_GUARDS_REVOCATIONS_PER_CONSUMER_PER_MINUTE: "0",
    TOKENWATCH_KAFKA_SESSION_TIMEOUT_MS: String(FAULT_SESSION_TIMEOUT_MS),
    TOKENWATCH_REDIS_URL: setup.redisUrl,
    TOKENWATCH_REDIS_KEY_PREFIX: setup.keyPrefix,
    TOKENWATCH_FINGERPRINT_KEY: FAULT_FINGERPRINT_KEY,
    TOKENWATCH_SERVER_PORT: "0",
    TOKENWATCH_LOG_LEVEL: "info",
    ...extra,
  };
}

/** GET a path of the service's HTTP server; status and body, or null when it does not answer. */
export async function httpGet(
  port: number,
  path: string,
): Promise<{ status: number; body: string } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(2_000),
    });
    return { status: response.status, body: await response.text() };
  } catch {
    return null;
  }
}
