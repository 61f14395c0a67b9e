/**
 * The side-by-side benchmark: on one pre-filled topic of ~500-byte gateway
 * events (several partitions, many tokens), measured in the same run:
 *
 *   1. a bare kafkajs consumer that only counts messages;
 *   2. the same plus UTF-8 decoding and JSON.parse (the denominator);
 *   3. the full tokenwatch pipeline (real Redis, Kafka outputs) catching up;
 *   4. the full pipeline fed at a fixed rate: event → decision latency;
 *   5. Redis memory per active token (bench/state-memory.ts, 100,000 tokens);
 *   6. CPU seconds per million events of phase 3;
 *   7. the pipeline without Kafka (bench/in-process-run.ts) with the default
 *      rules and with `--extra-rules` more, to show what a loaded rule costs.
 *
 * Prints a table and writes bench/results/latest.json. Needs the services of
 * scripts/services.sh. Sized for a few minutes on 2 cores:
 *
 *   npm run bench -- [--events 200000] [--tokens 20000] [--partitions 6]
 *     [--latency-seconds 20] [--memory-tokens 100000] [--rules-events 30000]
 *     [--extra-rules 200]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { pino } from "pino";
import { KafkaOutputs } from "../src/act/kafka-outputs.js";
import { configSchema } from "../src/config/schema.js";
import { Fingerprinter } from "../src/identity/fingerprint.js";
import { KafkaSource } from "../src/ingest/kafka-source.js";
import { Metrics } from "../src/observe/metrics.js";
import { buildPipeline } from "../src/pipeline/build-pipeline.js";
import type { InputMessage, Pipeline } from "../src/pipeline/pipeline.js";
import { connectRedis } from "../src/state/redis-client.js";
import { RedisTokenStateStore } from "../src/state/redis-store.js";
import { deleteKeys } from "../test/support/secrets.js";
import { countConsumed, eventFactory, produceAll, producePaced } from "./bench-kafka.js";
import { runInProcess } from "./in-process-run.js";
import { manyRulesDir } from "./many-rules.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "200000" },
    tokens: { type: "string", default: "20000" },
    partitions: { type: "string", default: "6" },
    "latency-seconds": { type: "string", default: "20" },
    "memory-tokens": { type: "string", default: "100000" },
    "rules-events": { type: "string", default: "30000" },
    "extra-rules": { type: "string", default: "200" },
    brokers: { type: "string", default: "127.0.0.1:9092" },
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
  },
});

const EVENTS = Number(values.events);
const TOKENS = Number(values.tokens);
const PARTITIONS = Number(values.partitions);
const LATENCY_SECONDS = Number(values["latency-seconds"]);
const RUN = Date.now().toString(36);

const kafka = new Kafka({
  clientId: "tokenwatch-bench",
  brokers: values.brokers.split(","),
  logLevel: logLevel.NOTHING,
});

/** Phase 3/4: the real service pipeline, in this process, on `topic`. */
async function startService(
  topic: string,
  onBatch: (messages: InputMessage[]) => void,
  onFirstBatch: () => void = () => {},
) {
  const config = configSchema.parse({
    kafka: {
      brokers: values.brokers.split(","),
      topics: [topic],
      groupId: `bench-full-${RUN}-${topic}`,
      alertsTopic: `bench-alerts-${RUN}`,
      revocationsTopic: `bench-revocations-${RUN}`,
      deadLetterTopic: `bench-dlq-${RUN}`,
    },
    redis: { url: values.redis, keyPrefix: `bench-${RUN}:` },
  });
  const log = pino({ level: "silent" });
  const metrics = new Metrics();
  const redis = await connectRedis(config.redis.url);
  const store = new RedisTokenStateStore(redis, config.state, config.redis.keyPrefix, {
    quitOnClose: false,
  });
  const outputs = new KafkaOutputs(kafka, config.kafka, metrics, log);
  await outputs.connect();
  const pipeline = await buildPipeline({
    config,
    fingerprinter: new Fingerprinter("benchmark-fingerprint-key-000001"),
    store,
    outputs,
    metrics,
    log,
  });
  let first = true;
  const observed = {
    processBatch: async (messages: InputMessage[]) => {
      if (first) onFirstBatch();
      first = false;
      const result = await pipeline.processBatch(messages);
      onBatch(messages);
      return result;
    },
  } as unknown as Pipeline;
  const source = new KafkaSource(kafka, config.kafka, observed, metrics, log);
  await source.start();

  return {
    async stop() {
      await source.stop();
      await outputs.close();
      await deleteKeys(redis, config.redis.keyPrefix);
      redis.disconnect();
    },
  };
}

async function phaseFull(topic: string) {
  let seen = 0;
  let cpuBefore = process.cpuUsage();
  let started = performance.now();
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  // Timed from the first batch, like the baselines: group join and start-up are not throughput.
  const service = await startService(
    topic,
    (messages) => {
      seen += messages.length;
      if (seen >= EVENTS) resolveDone();
    },
    () => {
      started = performance.now();
      cpuBefore = process.cpuUsage();
    },
  );
  await done;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await service.stop();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { rate: EVENTS / seconds, seconds, cpuPerMillion: (cpuSeconds / EVENTS) * 1e6 };
}

async function phaseLatency(rate: number) {
  const topic = `bench-latency-${RUN}`;
  const latencies: number[] = [];
  const service = await startService(topic, (messages) => {
    const now = Date.now();
    for (const message of messages) {
      const ts = /"start_time":(\d+)/.exec(String(message.value))?.[1];
      if (ts) latencies.push(now - Number(ts));
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const produced = await producePaced(kafka, topic, rate, LATENCY_SECONDS, TOKENS);
  const deadline = Date.now() + 30_000;
  while (latencies.length < produced && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await service.stop();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rate, produced, decided: latencies.length, p50: at(0.5), p99: at(0.99) };
}

function phaseMemory() {
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/state-memory.ts",
      "--tokens",
      values["memory-tokens"],
      "--url",
      values.redis,
    ],
    { encoding: "utf8" },
  );
  const perToken = /per token\s+(\d+) B/.exec(result.stdout)?.[1];
  const usage = /sum\s+(\d+) B/.exec(result.stdout)?.[1];
  return {
    output: result.stdout.trim(),
    bytesPerToken: perToken ? Number(perToken) : null,
    memoryUsagePerToken: usage ? Number(usage) : null,
  };
}

async function redisVersion(): Promise<string | null> {
  const redis = await connectRedis(values.redis);
  const info = await redis.info("server");
  redis.disconnect();
  return /redis_version:(\S+)/.exec(info)?.[1] ?? null;
}

/** Phase 7: the same events through the pipeline alone, default rules vs many more. */
async function phaseRules() {
  const options = {
    events: Number(values["rules-events"]),
    tokens: TOKENS,
    batch: 1000,
    redisUrl: values.redis,
  };
  const defaults = await runInProcess(options);
  const many = await runInProcess({
    ...options,
    rulesDir: manyRulesDir("rules", Number(values["extra-rules"])),
  });
  return { defaults, many };
}

async function main() {
  const topic = `bench-events-${RUN}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [topic, `bench-latency-${RUN}`].map((name) => ({
      topic: name,
      numPartitions: PARTITIONS,
      replicationFactor: 1,
    })),
  });
  await admin.disconnect();

  const make = eventFactory(TOKENS);
  const fill = await produceAll(kafka, topic, EVENTS, make);
  console.error(`filled ${topic}: ${EVENTS} events, ${(fill.bytes / EVENTS) | 0} B each`);

  const consume = await countConsumed(kafka, topic, EVENTS, false);
  console.error(`consume only: ${consume.rate.toFixed(0)} ev/s`);
  const parse = await countConsumed(kafka, topic, EVENTS, true);
  console.error(`consume + parse: ${parse.rate.toFixed(0)} ev/s`);
  const full = await phaseFull(topic);
  console.error(`full pipeline: ${full.rate.toFixed(0)} ev/s`);
  const latency = await phaseLatency(Math.round(full.rate / 2));
  console.error(`latency at ${latency.rate} ev/s: p50 ${latency.p50} ms, p99 ${latency.p99} ms`);
  const rules = await phaseRules();
  console.error(
    `rules: ${rules.defaults.rules} → ${rules.defaults.rate} ev/s, ` +
      `${rules.many.rules} → ${rules.many.rate} ev/s (no Kafka)`,
  );
  const memory = phaseMemory();

  const result = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: totalmem() / 2 ** 30 },
    versions: {
      node: process.version,
      kafka: "3.9.1 (KRaft)",
      kafkajs: "2.2.4",
      redis: await redisVersion(),
    },
    events: EVENTS,
    tokens: TOKENS,
    partitions: PARTITIONS,
    eventBytes: Math.round(fill.bytes / EVENTS),
    consumeRate: Math.round(consume.rate),
    consumeParseRate: Math.round(parse.rate),
    fullRate: Math.round(full.rate),
    ratioFullToConsumeParse: Number((full.rate / parse.rate).toFixed(3)),
    cpuSecondsPerMillion: Number(full.cpuPerMillion.toFixed(1)),
    latency,
    redisBytesPerToken: memory.bytesPerToken,
    redisMemoryUsagePerToken: memory.memoryUsagePerToken,
    rules,
  };

  const rows = [
    ["consume only", `${result.consumeRate} ev/s`],
    ["consume + parse", `${result.consumeParseRate} ev/s`],
    ["full pipeline", `${result.fullRate} ev/s`],
    ["ratio full / (consume+parse)", String(result.ratioFullToConsumeParse)],
    [`latency @ ${latency.rate} ev/s`, `p50 ${latency.p50} ms, p99 ${latency.p99} ms`],
    ["CPU s per million events", String(result.cpuSecondsPerMillion)],
    ["Redis bytes per active token", String(result.redisBytesPerToken)],
    ["  of which MEMORY USAGE", String(result.redisMemoryUsagePerToken)],
    [
      `${rules.defaults.rules} rules (no Kafka)`,
      `${rules.defaults.rate} ev/s, ${rules.defaults.nodeCpuSecondsPerMillion} CPU s/M`,
    ],
    [
      `${rules.many.rules} rules (no Kafka)`,
      `${rules.many.rate} ev/s, ${rules.many.nodeCpuSecondsPerMillion} CPU s/M`,
    ],
  ];
  for (const [name, value] of rows) console.log(`${(name ?? "").padEnd(32)} ${value}`);

  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/latest.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/latest.json");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
