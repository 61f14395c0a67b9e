import { Kafka } from "kafkajs";
import { KafkaOutputs } from "../act/kafka-outputs.js";
import { loadConfig } from "../config/load-config.js";
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
  const outputs = new KafkaOutputs(
    kafka,
    config.kafka,
    metrics,
    log.child({ component: "outputs" }),
  );
  const pipeline = await buildPipeline({
    config,
    fingerprinter: createFingerprinter(config, log),
    store,
    outputs,
    metrics,
    log: log.child({ component: "pipeline" }),
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
  );
  await http.listen(config.server.host, config.server.port);

  await outputs.connect();
  await source.start();

  const signal = await waitForSignal();
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
