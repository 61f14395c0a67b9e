import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import { parse } from "yaml";
import {
  builtinVariables,
  type DashboardPanel,
  dashboardQueries,
} from "../../../scripts/dashboard-queries.js";
import { instantQuery, type Series, seriesOf } from "../../../scripts/prometheus-api.js";
import { freePort } from "../../support/free-port.js";
import {
  createTopics,
  KAFKA_BROKERS,
  produce,
  testKafka,
  uniqueName,
} from "../../support/kafka.js";
import {
  type PrivatePrometheus,
  requireBinary,
  startPrometheus,
} from "../../support/private-prometheus.js";
import { deleteKeys } from "../../support/secrets.js";
import { type ServiceProcess, startService } from "../../support/service-process.js";
import {
  SHARED_TOKEN_EVENTS,
  SHARING_RULE,
  sharedTokenMessages,
} from "../../support/shared-token.js";

/*
 * deploy-metrics.test.ts checks that the dashboard and the alerting rules
 * name metrics tokenwatch exports. This checks that they work: a real
 * Prometheus scrapes a real `tokenwatch run` fed a small stream through the
 * real broker, and every panel query and alerting rule is run by it.
 */

const DEPLOY = new URL("../../../deploy/prometheus/", import.meta.url);
const ALERTS = fileURLToPath(new URL("alerts.yml", DEPLOY));
const SCRAPE_SECONDS = 1;
const START = Date.parse("2026-11-03T10:00:00Z");
const run = promisify(execFile);
// As Grafana would send them for a 1 h view at a 15 s interval on the shipped 15 s scrape.
const { panels } = dashboardQueries(
  builtinVariables({ intervalSeconds: 15, rangeSeconds: 3600, scrapeIntervalSeconds: 15 }),
);

const MALFORMED = { key: "broken", value: "{ this is not json" };

const topics = {
  logs: uniqueName("tw-dash-logs"),
  alerts: uniqueName("tw-dash-alerts"),
  revocations: uniqueName("tw-dash-revocations"),
  deadLetter: uniqueName("tw-dash-dlq"),
};
const keyPrefix = `${uniqueName("twdash")}:`;
let kafka: Kafka;
let redis: Redis;
let service: ServiceProcess | undefined;
let prometheus: PrivatePrometheus | undefined;
/** The "Tokens revoked (24h)" stat once the first token is revoked. */
let revokedAfterFirst = Number.NaN;

/** The value of a one-series instant query, or NaN when it has no series. */
async function scalarOf(expr: string): Promise<number> {
  const [first] = seriesOf(await instantQuery(prometheus?.url ?? "", expr), expr);
  return Number(first?.value?.[1] ?? Number.NaN);
}

/** Poll until `expr` reaches `want`, failing with what Prometheus and tokenwatch said. */
async function waitForValue(expr: string, want: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = Number.NaN;
  while (Date.now() < deadline) {
    seen = await scalarOf(expr);
    if (seen === want) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `${expr} is ${seen}, not ${want}, after ${timeoutMs} ms\n` +
      `tokenwatch:\n${service?.output().slice(-3000)}\nprometheus:\n${prometheus?.output()}`,
  );
}

before(async () => {
  requireBinary("promtool");
  kafka = testKafka();
  redis = new Redis(process.env.TOKENWATCH_TEST_REDIS ?? "redis://127.0.0.1:6379");
  await createTopics(kafka, Object.values(topics));

  const port = await freePort();
  service = startService(["run"], {
    TOKENWATCH_KAFKA_BROKERS: KAFKA_BROKERS.join(","),
    TOKENWATCH_KAFKA_TOPICS: topics.logs,
    TOKENWATCH_KAFKA_GROUP_ID: uniqueName("tw-dash-group"),
    TOKENWATCH_KAFKA_ALERTS_TOPIC: topics.alerts,
    TOKENWATCH_KAFKA_REVOCATIONS_TOPIC: topics.revocations,
    TOKENWATCH_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetter,
    TOKENWATCH_REDIS_KEY_PREFIX: keyPrefix,
    TOKENWATCH_FINGERPRINT_KEY: "dashboard-test-fingerprint-key-0001",
    TOKENWATCH_SERVER_PORT: String(port),
  });
  await service.waitFor('"msg":"consuming"', 30_000);
  prometheus = await startPrometheus({
    target: `127.0.0.1:${port}`,
    ruleFiles: [ALERTS],
    scrapeSeconds: SCRAPE_SECONDS,
  });
  await waitForValue('up{job="tokenwatch"}', 1, 15_000);

  // Two tokens revoked in two scraped steps, so counters rise between samples and
  // every rate() on the dashboard has something to show, as in a long-running service.
  await produce(kafka, topics.logs, [
    ...sharedTokenMessages("dash-token-A-planted", START),
    MALFORMED,
  ]);
  await waitForValue('sum(tokenwatch_revocations_total{outcome="published"})', 1, 30_000);
  await waitForValue('tokenwatch_events_rejected_total{reason="invalid_json"}', 1, 10_000);
  // A few scrapes after the revocation, as someone opening the dashboard would see it.
  await new Promise((resolve) => setTimeout(resolve, 3 * SCRAPE_SECONDS * 1000));
  revokedAfterFirst = await panelValue("Tokens revoked (24h)");
  await produce(kafka, topics.logs, [
    ...sharedTokenMessages("dash-token-B-planted", START),
    MALFORMED,
  ]);
  await waitForValue('sum(tokenwatch_revocations_total{outcome="published"})', 2, 30_000);
  await waitForValue('tokenwatch_events_rejected_total{reason="invalid_json"}', 2, 10_000);
});

after(async () => {
  await service?.stop("SIGTERM");
  await prometheus?.stop();
  if (redis) {
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  }
  if (kafka) {
    // The topics are this run's alone; leave the shared broker as we found it.
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
  }
});

test("promtool accepts the shipped alerting rules and Prometheus configuration", async () => {
  const promtool = requireBinary("promtool");
  const shipped = fileURLToPath(new URL("prometheus.yml", DEPLOY));
  await run(promtool, ["check", "rules", ALERTS]);
  await run(promtool, ["check", "config", "--syntax-only", shipped]);

  // Fully, rule file included, as docker-compose.yml mounts it: only its path differs.
  const dir = mkdtempSync(join(tmpdir(), "tokenwatch-promtool-"));
  try {
    const config = readFileSync(shipped, "utf8").replace("/etc/prometheus/alerts.yml", ALERTS);
    writeFileSync(join(dir, "prometheus.yml"), config);
    const { stdout } = await run(promtool, ["check", "config", join(dir, "prometheus.yml")]);
    assert.match(stdout, /SUCCESS: 1 rule files found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function panelResult(title: string): Promise<Series[]> {
  const panel = panels.find((p: DashboardPanel) => p.title === title);
  assert.ok(panel, `the dashboard has a panel "${title}"`);
  const expr = panel.targets[0]?.expr ?? "";
  return seriesOf(await instantQuery(prometheus?.url ?? "", expr), expr);
}

async function panelValue(title: string): Promise<number> {
  return Number((await panelResult(title))[0]?.value?.[1] ?? Number.NaN);
}

function labelValue(series: Series[], label: string, value: string): number {
  return Number(series.find((s) => s.metric[label] === value)?.value?.[1] ?? Number.NaN);
}

test("every panel query on the dashboard runs on real Prometheus", async () => {
  const failures: string[] = [];
  let count = 0;
  for (const panel of panels) {
    for (const target of panel.targets) {
      count++;
      const answer = await instantQuery(prometheus?.url ?? "", target.expr);
      if (answer.status !== "success") failures.push(`${panel.title}: ${answer.error}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(count >= 15, "the dashboard's panels were all read");
});

test("the panels the stream moved show what it did", async () => {
  // The raw counters first: exactly what the stream made tokenwatch count.
  assert.equal(await scalarOf('tokenwatch_events_total{format="apisix"}'), 2 * SHARED_TOKEN_EVENTS);
  assert.equal(await scalarOf(`sum(tokenwatch_decisions_total{rule="${SHARING_RULE}"})`), 2);
  assert.equal(await scalarOf('tokenwatch_enforcement_writes_total{outcome="written"}'), 2);
  // The denylist-failure alert needs its series at 0 before a failure, not missing (NaN).
  assert.equal(await scalarOf('tokenwatch_enforcement_writes_total{outcome="failed"}'), 0);

  // Then the panels: rates are positive, labelled as the legend expects.
  const byFormat = await panelResult("Events by format");
  assert.ok(labelValue(byFormat, "format", "apisix") > 0, JSON.stringify(byFormat));
  const rejected = await panelResult("Rejected input by reason");
  assert.ok(labelValue(rejected, "reason", "invalid_json") > 0, JSON.stringify(rejected));
  assert.equal(labelValue(rejected, "reason", "oversized"), 0, "every reason is a series at 0");
  const byRule = await panelResult("Decisions by rule");
  assert.ok(labelValue(byRule, "rule", SHARING_RULE) > 0, JSON.stringify(byRule));
  const findings = await panelResult("Findings by rule and mode");
  assert.ok(findings.some((s) => s.metric.rule === SHARING_RULE && Number(s.value?.[1]) > 0));
  const byOutcome = await panelResult("Revocations by outcome");
  assert.ok(labelValue(byOutcome, "outcome", "published") > 0, JSON.stringify(byOutcome));

  // increase() extrapolates to the window's edges, so the count is near, not exactly, whole.
  // The first revocation since the process started must count: its series has to exist
  // at 0 before it, or increase() sees a series that was always 1.
  assert.equal(Math.round(revokedAfterFirst), 1, `after the first: ${revokedAfterFirst}`);
  assert.equal(Math.round(await panelValue("Tokens revoked (24h)")), 2);
});

test("every alerting rule loads and evaluates without error in real Prometheus", async () => {
  const shipped = parse(readFileSync(ALERTS, "utf8")).groups.flatMap(
    (g: { rules: object[] }) => g.rules,
  ).length;
  type Rule = { name: string; health: string; lastError?: string };
  let rules: Rule[] = [];
  const deadline = Date.now() + 15_000;
  // A rule's health is "unknown" until its group is first evaluated.
  while (Date.now() < deadline) {
    const response = await fetch(`${prometheus?.url}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: { rules: Rule[] }[] } };
    rules = body.data.groups.flatMap((g) => g.rules);
    if (rules.length === shipped && rules.every((r) => r.health !== "unknown")) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.equal(rules.length, shipped);
  assert.deepEqual(
    rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.health} ${r.lastError}`),
    [],
  );
});
