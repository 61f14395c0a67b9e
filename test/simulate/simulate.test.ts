import assert from "node:assert/strict";
import { test } from "node:test";
import type { TokenLabel } from "../../src/evaluate/label.js";
import type { SimFormat } from "../../src/simulate/format-writers.js";
import { pipelineFingerprint, simulate } from "../../src/simulate/simulate.js";
import { DAY } from "../../src/simulate/traffic-model.js";
import { leakedSecrets } from "../support/secrets.js";
import { plantedSecrets, testNormalizer, testWorld } from "./support.js";

const START = Date.UTC(2026, 2, 2);

async function run(seed: number, format: SimFormat = "canonical", tokens = 20, days = 2) {
  let traffic = "";
  const labels: TokenLabel[] = [];
  const summary = await simulate(
    testWorld(seed),
    { tokens, days, seed, start: START, format },
    {
      traffic: async (text) => {
        traffic += text;
      },
      labels: async (label) => {
        labels.push(label);
      },
    },
    pipelineFingerprint(testNormalizer(), format),
  );
  return { traffic, labels, summary };
}

const first = await run(5);

test("the same seed writes the same traffic and labels, byte for byte", async () => {
  const again = await run(5);
  assert.equal(again.traffic, first.traffic);
  assert.deepEqual(again.labels, first.labels);
});

test("another seed writes other traffic", async () => {
  const other = await run(6);
  assert.notEqual(other.traffic.slice(0, 2_000), first.traffic.slice(0, 2_000));
});

test("every scenario is cast, and one label is written per token", () => {
  const scenarios = new Set(first.labels.map((label) => label.scenario));
  assert.equal(scenarios.size, 16);
  assert.equal(first.labels.length, first.summary.tokens);
  assert.equal(new Set(first.labels.map((label) => label.fingerprint)).size, first.labels.length);
  assert.equal(first.summary.events, first.traffic.trimEnd().split("\n").length);
});

test("traffic is in event-time order and inside the run", () => {
  const times = first.traffic
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line).ts as number);
  assert.ok(times.every((ts, i) => i === 0 || ts >= (times[i - 1] as number)));
  assert.ok((times[0] as number) >= START - DAY && (times.at(-1) as number) < START + 3 * DAY);
});

test("labels carry fingerprints and never a secret from the traffic", () => {
  const secrets = plantedSecrets(first.traffic);
  const labelText = JSON.stringify(first.labels);
  assert.equal(secrets.length, first.labels.length, "every token's credential is looked for");
  assert.deepEqual(leakedSecrets(labelText, secrets), []);
});

test("each attack label names when it started and the addresses its requests came from", () => {
  const events = first.traffic
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as { ts: number; clientIp: string });
  for (const label of first.labels.filter((l) => l.family !== "benign")) {
    const start = label.attackStart;
    assert.ok(start !== null, `${label.scenario} has a start`);
    assert.ok(label.attackerIps.length > 0 && label.attackRequests > 0, label.scenario);
    const ips = new Set(label.attackerIps);
    const fromAttacker = events.filter((e) => ips.has(e.clientIp) && e.ts >= start);
    assert.ok(fromAttacker.length >= label.attackRequests, label.scenario);
  }
  for (const label of first.labels.filter((l) => l.family === "benign")) {
    assert.equal(label.attackStart, null);
    assert.deepEqual(label.attackerIps, []);
  }
});

for (const format of ["kong", "apisix"] as const) {
  test(`${format} traffic is read back whole, with the labelled fingerprints`, async () => {
    const { traffic, labels } = await run(5, format, 17, 1);
    const normalizer = testNormalizer();
    const seen = new Set<string>();
    let offset = 0;
    for (const line of traffic.trimEnd().split("\n")) {
      const result = normalizer.normalize(line, { stream: "t", partition: 0, offset: offset++ });
      assert.deepEqual(result.rejects, []);
      const event = result.events[0];
      assert.equal(event?.format, format);
      seen.add(event?.token?.fingerprint ?? "none");
    }
    const active = labels.filter((label) => label.requests > 0).map((l) => l.fingerprint);
    assert.deepEqual([...seen].sort(), active.sort());
  });
}
