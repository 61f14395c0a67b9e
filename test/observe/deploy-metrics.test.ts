import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "yaml";
import { Metrics } from "../../src/observe/metrics.js";

/*
 * The alerting rules and the dashboard ship beside the code; a renamed metric
 * would leave them silently empty. Every tokenwatch_* name they use must be
 * one the service exports.
 */

const ROOT = new URL("../../deploy/", import.meta.url);
const SUFFIXES = ["_bucket", "_sum", "_count"];

async function exported(): Promise<Set<string>> {
  const metrics = await new Metrics().registry.getMetricsAsJSON();
  const names = new Set<string>();
  for (const { name } of metrics) {
    names.add(name);
    for (const suffix of SUFFIXES) names.add(name + suffix);
  }
  return names;
}

function used(expressions: readonly string[]): Set<string> {
  return new Set(expressions.flatMap((expr) => expr.match(/tokenwatch_[a-z_]+/g) ?? []));
}

test("every metric in the Prometheus alerting rules is exported", async () => {
  const rules = parse(readFileSync(new URL("prometheus/alerts.yml", ROOT), "utf8"));
  const exprs: string[] = rules.groups.flatMap((g: { rules: { expr: string }[] }) =>
    g.rules.map((r) => r.expr),
  );
  const names = await exported();

  const unknown = [...used(exprs)].filter((name) => !names.has(name));
  assert.ok(exprs.length >= 10);
  assert.deepEqual(unknown, []);
  for (const alert of ["TokenwatchRevocationStorm", "TokenwatchRevocationNotEnforced"]) {
    const rule = rules.groups
      .flatMap((g: { rules: object[] }) => g.rules)
      .find((r: { alert: string }) => r.alert === alert);
    assert.equal(rule?.labels.severity, "critical", alert);
  }
});

test("every metric on the dashboard is exported, read from the provisioned source", async () => {
  const dashboard = JSON.parse(
    readFileSync(new URL("grafana/dashboards/tokenwatch.json", ROOT), "utf8"),
  );
  const datasource = parse(
    readFileSync(new URL("grafana/provisioning/datasources/prometheus.yml", ROOT), "utf8"),
  );
  const panels = dashboard.panels.filter((p: { type: string }) => p.type !== "row");
  const targets = panels.flatMap((p: { targets: { expr: string }[] }) => p.targets);
  const names = await exported();

  const unknown = [...used(targets.map((t: { expr: string }) => t.expr))].filter(
    (name) => !names.has(name),
  );
  assert.deepEqual(unknown, []);
  const uid = datasource.datasources[0].uid;
  assert.ok(panels.every((p: { datasource: { uid: string } }) => p.datasource.uid === uid));
  assert.ok(panels.length >= 15);
});
