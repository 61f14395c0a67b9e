/**
 * Profile the pipeline without Kafka (see in-process-run.ts) and print its
 * throughput, its CPU and Redis' CPU per million events, and the decisions
 * by rule (real traffic should make few):
 *
 *   node --cpu-prof --cpu-prof-dir=bench/results/profile --import tsx \
 *     bench/profile-pipeline.ts [--events 100000] [--tokens 20000] [--batch 1000]
 *     [--extra-rules 0] [--store redis|memory]
 *
 * `--store memory` leaves Redis out: Node's own CPU per event, which moves
 * far less between runs on a shared machine than it does beside Redis.
 */
import { parseArgs } from "node:util";
import { runInProcess } from "./in-process-run.js";
import { manyRulesDir } from "./many-rules.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    tokens: { type: "string", default: "20000" },
    batch: { type: "string", default: "1000" },
    "extra-rules": { type: "string", default: "0" },
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
    store: { type: "string", default: "redis" },
  },
});

const extra = Number(values["extra-rules"]);
if (values.store !== "redis" && values.store !== "memory") {
  console.error(`--store must be redis or memory, not "${values.store}"`);
  process.exit(2);
}
runInProcess({
  events: Number(values.events),
  tokens: Number(values.tokens),
  batch: Number(values.batch),
  redisUrl: values.redis,
  store: values.store,
  ...(extra > 0 ? { rulesDir: manyRulesDir("rules", extra) } : {}),
}).then(
  (result) => {
    console.log(JSON.stringify(result));
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
