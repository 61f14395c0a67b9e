import { Kafka } from "kafkajs";
import type { Logger } from "pino";
import { buildActions } from "../act/build-actions.js";
import { KafkaOutputs } from "../act/kafka-outputs.js";
import { requestFingerprints } from "../act/request-fingerprint.js";
import { createRevocationSigner } from "../act/revocation-signer.js";
import { loadConfig } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
import { RedisRevocationBudget } from "../decide/revocation-budget.js";
import { KafkaSource, kafkaLogCreator } from "../ingest/kafka-source.js";
import { HttpServer } from "../observe/http-server.js";
import { createLogger } from "../observe/logger.js";
import { Metrics } from "../observe/metrics.js";
import { buildPipeline } from "../pipeline/build-pipeline.js";
import { connectConfiguredRedis } from "../state/redis-client.js";
import { RedisTokenStateStore } from "../state/redis-store.js";
import { createFingerprinter } from "./dev-key.js";
import { EXIT } from "./exit-codes.js";
import { ServiceLifecycle } from "./service-lifecycle.js";

/** How long shutdown may take before the process exits regardless. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

/**
 * `tokenwatch run`: the service. Kafka in, Redis state, decisions out to
 * Kafka; `/metrics`, `/healthz` and `/readyz` over HTTP. Resolves with the
 * exit code after a graceful shutdown: 0 after SIGTERM or SIGINT, 1 when the
 * consumer stopped for good. A start-up failure closes what was opened and
 * rejects, so the process exits with the error instead of lingering.
 */
export async function runCommand(options: { config?: string }): Promise<number> {
  const { config } = loadConfig(options.config ?? null);
  const log = createLogger(config.log.level);
  // Listening from the start: a SIGTERM during start-up must shut down cleanly.
  const lifecycle = new ServiceLifecycle(log, SHUTDOWN_TIMEOUT_MS);

  try {
    await lifecycle.startUnlessStopped(() => startService(config, log, lifecycle));
    const reason = await lifecycle.stopped;
    if (reason.kind === "fatal") {
      log.error({ err: reason.error }, "shutting down after a fatal error");
      return EXIT.FAILURE;
    }
    log.info({ signal: reason.signal }, "shutting down");
    return EXIT.OK;
  } finally {
    await lifecycle.close();
    log.info("stopped");
  }
}

/** Open every part of the service, registering each close with `lifecycle` as it opens. */
async function startService(
  config: Config,
  log: Logger,
  lifecycle: ServiceLifecycle,
): Promise<void> {
  const metrics = new Metrics({ defaultMetrics: true });

  // A Redis Cluster when redis.cluster.nodes is set; every module below takes either kind.
  const redis = await connectConfiguredRedis(config.redis, {
    onError: (err) => log.warn({ err: err.message }, "redis connection error"),
  });
  const stateLog = log.child({ component: "state" });
  const store = new RedisTokenStateStore(redis, config.state, config.redis.keyPrefix, {
    onUnreadable: (tokenFp, keptAs, reason) => {
      metrics.stateUnreadable.inc();
      stateLog.error(
        { tokenFp, keptAs, reason },
        "token state unreadable; kept aside, the token starts afresh",
      );
    },
    onConflicts: (count) => metrics.stateWriteConflicts.inc(count),
  });
  lifecycle.onClose("redis", () => store.close());
  const kafka = new Kafka({
    clientId: config.kafka.clientId,
    brokers: [...config.kafka.brokers],
    logCreator: kafkaLogCreator(log.child({ component: "kafkajs" })),
  });
  const actions = buildActions(config, redis, metrics, log);
  const outputs = new KafkaOutputs(
    kafka,
    config.kafka,
    metrics,
    log.child({ component: "outputs" }),
    {
      signer: await createRevocationSigner(config.revocations),
      targets: actions.targets,
      audit: config.audit,
      policy: config.policy,
      revocations: config.revocations,
    },
  );
  const fingerprinter = createFingerprinter(config, log);
  const budget = new RedisRevocationBudget(redis, config.redis.keyPrefix, {
    perMinute: config.guards.revocationsPerMinute,
    perConsumerPerMinute: config.guards.revocationsPerConsumerPerMinute,
  });
  const pipeline = await buildPipeline({
    config,
    fingerprinter,
    store,
    // Output failures are retried in place, keeping the batch's decisions (see KafkaSource).
    outputs: { deliver: (effects) => source.deliverWithRetry(() => outputs.deliver(effects)) },
    metrics,
    log: log.child({ component: "pipeline" }),
    // Wall clock: a consumer catching up on a backlog must not revoke faster than N a minute.
    guards: { budget, budgetClock: () => Date.now() },
    ...(actions.enforcement ? { enforcement: actions.enforcement } : {}),
  });
  const source = new KafkaSource(
    kafka,
    config.kafka,
    pipeline,
    metrics,
    log.child({ component: "consumer" }),
  );
  source.onFatal = (error) => lifecycle.stop({ kind: "fatal", error });

  const http = new HttpServer(
    metrics,
    async () => {
      if (redis.status !== "ready") return `redis is ${redis.status}`;
      return source.health();
    },
    log.child({ component: "http" }),
    actions.denylist && {
      getMany: (fps) => actions.denylist?.getMany(fps) ?? Promise.resolve(fps.map(() => null)),
      fingerprintRequest: (request) => requestFingerprints(request, config.identity, fingerprinter),
    },
    () => metrics.refreshRuleQuality(() => actions.ledger.quality()),
  );
  await http.listen(config.server.host, config.server.port);
  lifecycle.onClose("http", () => http.close());

  lifecycle.onClose("outputs", () => outputs.close());
  await outputs.connect();
  // Registered before start: a consumer that joined half way must still leave the group.
  lifecycle.onClose("consumer", () => source.stop());
  await source.start();
}
