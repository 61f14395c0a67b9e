/*
 * Make real data for the dashboard picture, then draw it: `tokenwatch run`
 * (the built CLI) against the local Kafka and Redis, a private Prometheus
 * scraping it every 5 s with the shipped alerting rules, and a day of
 * `tokenwatch simulate` traffic (Kong and APISIX formats, attacks included)
 * produced into Kafka at a steady pace over a few minutes, with an
 * unreadable message now and then so the rejected-input panel moves. The
 * simulated attacks only alert or step up under the shipped rules, so every
 * 45 s a new person's token turns shared (test/support/shared-token.ts) and
 * is revoked, so the revocation panels have something real to show.
 *
 *   npm run build && bash scripts/services.sh start
 *   node --import tsx scripts/dashboard-demo.ts --minutes 6 --out docs/images/dashboard.png
 *
 * Topics, consumer group and Redis prefix are unique per run and removed
 * afterwards; the shared broker and Redis are never otherwise touched.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { freePort } from "../test/support/free-port.js";
import { createTopics, KAFKA_BROKERS, testKafka, uniqueName } from "../test/support/kafka.js";
import { startPrometheus } from "../test/support/private-prometheus.js";
import { deleteKeys } from "../test/support/secrets.js";
import { startService } from "../test/support/service-process.js";
import { sharedTokenMessages } from "../test/support/shared-token.js";
import { renderDashboard } from "./render-dashboard.js";

const SUBTITLE = "simulated traffic replayed through tokenwatch run";
const SCRAPE_SECONDS = 5;
const MAIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const ALERTS = fileURLToPath(new URL("../deploy/prometheus/alerts.yml", import.meta.url));
const FINGERPRINT_KEY = "dashboard-demo-fingerprint-key-000001";

/** A day of labelled traffic in `format`, starting yesterday (UTC), one record a line. */
function simulate(dir: string, format: string, tokens: number, seed: number): string[] {
  const start = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const out = join(dir, `${format}.ndjson`);
  execFileSync(
    process.execPath,
    [MAIN, "simulate", "-o", out, "-l", join(dir, `${format}-labels.ndjson`), "--days", "1"]
      .concat(["--tokens", String(tokens), "--seed", String(seed), "--format", format])
      .concat(["--start", start]),
    { env: { ...process.env, TOKENWATCH_FINGERPRINT_KEY: FINGERPRINT_KEY }, stdio: "ignore" },
  );
  return readFileSync(out, "utf8").split("\n").filter(Boolean);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: "string", default: "6" },
      out: { type: "string", default: "docs/images/dashboard.png" },
    },
  });
  const seconds = Number(values.minutes) * 60;
  const dir = mkdtempSync(join(tmpdir(), "tokenwatch-demo-"));
  const streams = [simulate(dir, "kong", 40, 3), simulate(dir, "apisix", 30, 4)];
  const topics = ["logs", "alerts", "revocations", "dlq"].map((t) => uniqueName(`tw-demo-${t}`));
  const [logs = "", alerts = "", revocations = "", deadLetter = ""] = topics;
  const keyPrefix = `${uniqueName("twdemo")}:`;
  const kafka = testKafka();
  const redis = new Redis(process.env.TOKENWATCH_TEST_REDIS ?? "redis://127.0.0.1:6379");
  // One partition: simulated requests of a token reach tokenwatch in event-time order.
  await createTopics(kafka, topics, 1);
  const port = await freePort();
  const service = startService(["run"], {
    TOKENWATCH_KAFKA_BROKERS: KAFKA_BROKERS.join(","),
    TOKENWATCH_KAFKA_TOPICS: logs,
    TOKENWATCH_KAFKA_GROUP_ID: uniqueName("tw-demo-group"),
    TOKENWATCH_KAFKA_ALERTS_TOPIC: alerts,
    TOKENWATCH_KAFKA_REVOCATIONS_TOPIC: revocations,
    TOKENWATCH_KAFKA_DEAD_LETTER_TOPIC: deadLetter,
    TOKENWATCH_REDIS_KEY_PREFIX: keyPrefix,
    TOKENWATCH_FINGERPRINT_KEY: FINGERPRINT_KEY,
    TOKENWATCH_SERVER_PORT: String(port),
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  try {
    await service.waitFor('"msg":"consuming"', 30_000);
    prometheus = await startPrometheus({
      target: `127.0.0.1:${port}`,
      ruleFiles: [ALERTS],
      scrapeSeconds: SCRAPE_SECONDS,
    });
    const begin = Math.floor(Date.now() / 1000);
    await producer.connect();
    // Every second, the share of each stream that brings it to the elapsed fraction.
    const sent = streams.map(() => 0);
    for (let tick = 1; tick <= seconds; tick++) {
      const messages = streams.flatMap((lines, i) => {
        const upTo = Math.round((lines.length * tick) / seconds);
        const slice = lines.slice(sent[i], upTo);
        sent[i] = upTo;
        return slice.map((value) => ({ value }));
      });
      if (tick % 20 === 0) messages.push({ value: "{ an unreadable gateway log line" });
      if (tick % 45 === 0) {
        const secret = `demo-shared-${randomUUID()}`;
        messages.push(...sharedTokenMessages(secret, Date.now() - 30 * 60_000));
      }
      await producer.send({ topic: logs, messages, acks: -1 });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (tick % 60 === 0) console.log(`${tick} s: ${sent.join(" + ")} events produced`);
    }
    // Let the last batch be processed and scraped before drawing.
    await new Promise((resolve) => setTimeout(resolve, 3 * SCRAPE_SECONDS * 1000));
    await renderDashboard({
      prometheus: prometheus.url,
      start: begin,
      end: Math.floor(Date.now() / 1000),
      out: values.out,
      scrapeSeconds: SCRAPE_SECONDS,
      subtitle: `${SUBTITLE}, scraped every ${SCRAPE_SECONDS} s`,
    });
    console.log(`wrote ${values.out}`);
  } finally {
    await producer.disconnect();
    await service.stop("SIGTERM");
    await prometheus?.stop();
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
