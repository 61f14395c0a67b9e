/**
 * The pipeline without Kafka: the bench's events, already encoded, fed in
 * batches straight into `Pipeline.processBatch` with the real Redis store
 * and outputs that only count. A CPU profile of it shows the pipeline's own
 * cost, Redis' CPU beside it the scripts' cost, and running it with more
 * rules loaded shows what a rule costs. With the memory store instead
 * (`store: "memory"`) no Redis is involved: Node's own cost per event,
 * steadier on a shared machine than beside a Redis that others load too.
 */
import { pino } from "pino";
import { configSchema } from "../src/config/schema.js";
import { loadRules } from "../src/detect/index.js";
import { Fingerprinter } from "../src/identity/fingerprint.js";
import { Metrics } from "../src/observe/metrics.js";
import { buildPipeline } from "../src/pipeline/build-pipeline.js";
import type { BatchEffects, InputMessage } from "../src/pipeline/pipeline.js";
import { MemoryTokenStateStore } from "../src/state/memory-store.js";
import { connectRedis } from "../src/state/redis-client.js";
import { RedisTokenStateStore } from "../src/state/redis-store.js";
import { deleteKeys } from "../test/support/secrets.js";
import { eventFactory } from "./bench-kafka.js";

/** What to run: sizes, the Redis to use, and optionally another rules directory. */
export interface InProcessOptions {
  readonly events: number;
  readonly tokens: number;
  /** Messages per batch, as kafkajs hands one partition's fetch to the pipeline. */
  readonly batch: number;
  readonly redisUrl: string;
  readonly rulesDir?: string;
  /** `memory` runs without Redis; default `redis`. */
  readonly store?: "redis" | "memory";
}

/** Throughput and CPU of one run; Redis CPU is the whole server's, so noisy on a shared one. */
export interface InProcessResult {
  readonly events: number;
  readonly rules: number;
  readonly rate: number;
  readonly nodeCpuSecondsPerMillion: number;
  /** `null` with the memory store. */
  readonly redisCpuSecondsPerMillion: number | null;
  readonly decisions: number;
  readonly byRule: Record<string, number>;
}

const PARTITIONS = 6;

/** Redis' own CPU seconds so far (user + system). */
async function redisCpu(redis: Awaited<ReturnType<typeof connectRedis>>): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field("used_cpu_user") + field("used_cpu_sys");
}

/** Build the service's pipeline on a throw-away key prefix and push the events through it. */
export async function runInProcess(options: InProcessOptions): Promise<InProcessResult> {
  const prefix = `bench-inproc-${Date.now().toString(36)}:`;
  const config = configSchema.parse({
    redis: { url: options.redisUrl, keyPrefix: prefix },
    ...(process.env.BENCH_NO_EGRESS ? { enrich: { sharedEgressTokens: 0 } } : {}),
  });
  const redis = options.store === "memory" ? null : await connectRedis(config.redis.url);
  const store = redis
    ? new RedisTokenStateStore(redis, config.state, prefix, { quitOnClose: false })
    : new MemoryTokenStateStore(config.state);
  let decisions = 0;
  const byRule = new Map<string, number>();
  const outputs = {
    async deliver(effects: BatchEffects) {
      decisions += effects.decisions.length;
      for (const d of effects.decisions) byRule.set(d.ruleId, (byRule.get(d.ruleId) ?? 0) + 1);
    },
  };
  const rulesDir = options.rulesDir ?? config.rules.dir;
  const rules = (await loadRules(rulesDir)).rules.filter((rule) => rule.enabled).length;
  const pipeline = await buildPipeline({
    config,
    fingerprinter: new Fingerprinter("benchmark-fingerprint-key-000001"),
    store,
    outputs,
    metrics: new Metrics(),
    log: pino({ level: "silent" }),
    rulesDir,
  });

  // Kafka hands the pipeline Buffers, one partition per batch.
  const make = eventFactory(options.tokens);
  const start = Date.now() - options.events;
  const batches: InputMessage[][] = [];
  for (let b = 0; b * options.batch < options.events; b++) {
    const batch: InputMessage[] = [];
    const end = Math.min(options.events, (b + 1) * options.batch);
    for (let i = b * options.batch; i < end; i++) {
      const value = Buffer.from(make(i, start + i));
      batch.push({ value, stream: "bench", partition: b % PARTITIONS, offset: i });
    }
    batches.push(batch);
  }

  const redisBefore = redis ? await redisCpu(redis) : 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const batch of batches) await pipeline.processBatch(batch);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const redisSeconds = redis ? (await redisCpu(redis)) - redisBefore : null;
  if (redis) {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }

  const perMillion = (cpuSeconds: number) =>
    Number(((cpuSeconds / options.events) * 1e6).toFixed(1));
  return {
    events: options.events,
    rules,
    rate: Math.round(options.events / seconds),
    nodeCpuSecondsPerMillion: perMillion((cpu.user + cpu.system) / 1e6),
    redisCpuSecondsPerMillion: redisSeconds === null ? null : perMillion(redisSeconds),
    decisions,
    byRule: Object.fromEntries(byRule),
  };
}
