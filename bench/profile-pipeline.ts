/**
 * The pipeline without Kafka, for profiling: the bench's events, already
 * encoded, are fed in batches straight into `Pipeline.processBatch` with the
 * real Redis store and outputs that only count, so a CPU profile shows the
 * pipeline's own cost and Redis' `INFO commandstats` the scripts' cost.
 *
 *   node --cpu-prof --cpu-prof-dir=bench/results --import tsx bench/profile-pipeline.ts \
 *     [--events 100000] [--tokens 20000] [--batch 1000] [--rules dir]
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import { configSchema } from "../src/config/schema.js";
import { Fingerprinter } from "../src/identity/fingerprint.js";
import { Metrics } from "../src/observe/metrics.js";
import { buildPipeline } from "../src/pipeline/build-pipeline.js";
import type { BatchEffects, InputMessage } from "../src/pipeline/pipeline.js";
import { connectRedis } from "../src/state/redis-client.js";
import { RedisTokenStateStore } from "../src/state/redis-store.js";
import { deleteKeys } from "../test/support/secrets.js";
import { eventFactory } from "./bench-kafka.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    tokens: { type: "string", default: "20000" },
    batch: { type: "string", default: "1000" },
    rules: { type: "string" },
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const PARTITIONS = 6;

/** Redis' own CPU and per-command totals, to tell script cost from client cost. */
async function redisCpu(redis: Awaited<ReturnType<typeof connectRedis>>) {
  const info = await redis.info();
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field("used_cpu_user") + field("used_cpu_sys");
}

async function main() {
  const prefix = `bench-prof-${Date.now().toString(36)}:`;
  const config = configSchema.parse({ redis: { url: values.redis, keyPrefix: prefix } });
  const redis = await connectRedis(config.redis.url);
  const store = new RedisTokenStateStore(redis, config.state, prefix, { quitOnClose: false });
  let decisions = 0;
  const byRule = new Map<string, number>();
  const outputs = {
    async deliver(effects: BatchEffects) {
      decisions += effects.decisions.length;
      for (const d of effects.decisions) byRule.set(d.ruleId, (byRule.get(d.ruleId) ?? 0) + 1);
    },
  };
  const pipeline = await buildPipeline({
    config,
    fingerprinter: new Fingerprinter("benchmark-fingerprint-key-000001"),
    store,
    outputs,
    metrics: new Metrics(),
    log: pino({ level: "silent" }),
    ...(values.rules ? { rulesDir: values.rules } : {}),
  });

  // Kafka hands the pipeline Buffers, one partition per batch.
  const make = eventFactory(Number(values.tokens));
  const start = Date.now() - EVENTS;
  const batches: InputMessage[][] = [];
  for (let b = 0; b * BATCH < EVENTS; b++) {
    const partition = b % PARTITIONS;
    const batch: InputMessage[] = [];
    for (let i = b * BATCH; i < Math.min(EVENTS, (b + 1) * BATCH); i++) {
      batch.push({ value: Buffer.from(make(i, start + i)), stream: "bench", partition, offset: i });
    }
    batches.push(batch);
  }

  const redisBefore = await redisCpu(redis);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const batch of batches) await pipeline.processBatch(batch);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const redisSeconds = (await redisCpu(redis)) - redisBefore;

  console.log(
    JSON.stringify({
      events: EVENTS,
      batch: BATCH,
      rate: Math.round(EVENTS / seconds),
      nodeCpuSecondsPerMillion: Number((((cpu.user + cpu.system) / 1e6 / EVENTS) * 1e6).toFixed(1)),
      redisCpuSecondsPerMillion: Number(((redisSeconds / EVENTS) * 1e6).toFixed(1)),
      decisions,
      byRule: Object.fromEntries(byRule),
    }),
  );
  await deleteKeys(redis, prefix);
  redis.disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
