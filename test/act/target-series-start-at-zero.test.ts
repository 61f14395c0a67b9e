import assert from "node:assert/strict";
import { test } from "node:test";
import { Redis } from "ioredis";
import pino from "pino";
import { buildActions } from "../../src/act/build-actions.js";
import { configSchema } from "../../src/config/schema.js";
import { Metrics } from "../../src/observe/metrics.js";

/*
 * deploy/prometheus/alerts.yml pages on increase(...) > 0 of dead-lettered
 * deliveries and failed denylist writes. increase() sees only a rise between
 * two samples, so each configured target's series must be exported at 0
 * before its first failure, or that first failure never alerts.
 */

/** The exposition line of a sink's dead-letter counter at zero. */
function deadLettered(sink: string, endpoint: string): string {
  const labels = `sink="${sink}",endpoint="${endpoint}",outcome="dead_lettered"`;
  return `tokenwatch_webhook_deliveries_total{${labels}} 0`;
}

test("configured delivery and enforcement targets export their series at 0", async () => {
  const config = configSchema.parse({
    webhooks: {
      endpoints: [{ name: "soc", url: "https://soc.example.test/hook", secret: "s".repeat(32) }],
    },
    alertmanager: { url: "https://am.example.test" },
    revocations: { httpUrl: "https://idp.example.test/revoke" },
  });
  const metrics = new Metrics();
  const redis = new Redis({ lazyConnect: true });
  buildActions(config, redis, metrics, pino({ level: "silent" }));
  const text = await metrics.registry.metrics();
  redis.disconnect();

  for (const series of [
    deadLettered("webhook", "soc"),
    deadLettered("alertmanager", "alertmanager"),
    deadLettered("revocation_http", "revocation_http"),
    'tokenwatch_enforcement_writes_total{target="denylist",outcome="failed"} 0',
    'tokenwatch_enforcement_writes_total{target="http",outcome="dead_lettered"} 0',
  ]) {
    assert.ok(text.includes(`${series}\n`), series);
  }
});

test("a revocation outcome is a series at 0 before the first revocation", async () => {
  const text = await new Metrics().registry.metrics();
  assert.match(text, /tokenwatch_revocations_total\{outcome="published"\} 0\n/);
});
