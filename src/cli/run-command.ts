import { Kafka } from "kafkajs";
import { buildActions } from "../act/build-actions.js";
import { KafkaOutputs } from "../act/kafka-outputs.js";
import { requestFingerprints } from "../act/request-fingerprint.js";
import { createRevocationSigner } from "../act/revocation-signer.js";
import { loadConfig } from "../config/load-config.js";
import { RedisRevocationBudget } from "../decide/revocation-budget.js";
import { KafkaSource, kafkaLogCreator } from "../ingest/kafka-source.js";
import { HttpServer } from "../observe/http-server.js";
import { createLogger } from "../observe/logger.js";
import { Metrics } from "../observe/metrics.js";
import { buildPipeline } from "../pipeline/build-pipeline.js";
import { connectRedis } from "../state/redis-client.js";
import { RedisTokenStateStore } from "../state/redis-store.js";
import { createFingerprinter } from "./dev-key.js";
import { EXIT } from "./exit-codes.js";

/** How long shutdown may take before the process exits regardless. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

/**
 * `tokenwatch run`: the service. Kafka in, Redis state, decisions out to
 * Kafka; `/metrics`, `/healthz` and `/readyz` over HTTP. Resolves with the
 * exit code after a graceful shutdown (SIGTERM or SIGINT).
 */
export async function runCommand(options: { config?: string }): Promise<number> {
  const { config } = loadConfig(options.config ?? null);
  const log = createLogger(config.log.level);
  // Listen from the start: a SIGTERM during start-up (joining the group can
  // take a session timeout) must shut down cleanly, not kill the process.
  const signalled = waitForSignal();
  const metrics = new Metrics({ defaultMetrics: true });

  const redis = await connectRedis(config.redis.url, {
    onError: (err) => log.warn({ err: err.message }, "redis connection error"),
  });
  const store = new RedisTokenStateStore(redis, config.state, config.redis.keyPrefix);
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

  const http = new HttpServer(
    metrics,
    async () => {
      if (redis.status !== "ready") return `redis is ${redis.status}`;
      return source.health();
    },
    log.child({ component: "http" }),
    actions.denylist && {
      get: (fp) => actions.denylist?.get(fp) ?? Promise.resolve(null),
      fingerprintRequest: (request) => requestFingerprints(request, config.identity, fingerprinter),
    },
    () => metrics.refreshRuleQuality(() => actions.ledger.quality()),
  );
  await http.listen(config.server.host, config.server.port);

  await outputs.connect();
  await source.start();

  const signal = await signalled;
  log.info({ signal }, "shutting down");
  const timer = setTimeout(() => {
    log.error("shutdown took too long; exiting without waiting further");
    process.exit(EXIT.FAILURE);
  }, SHUTDOWN_TIMEOUT_MS);
  timer.unref();

  await source.stop();
  await outputs.close();
  await store.close();
  await http.close();
  log.info("stopped");
  return EXIT.OK;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      resolve(signal);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
