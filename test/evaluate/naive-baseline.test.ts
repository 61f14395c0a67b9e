import assert from "node:assert/strict";
import { test } from "node:test";
import { NaiveBaseline } from "../../src/evaluate/naive-baseline.js";

const MINUTE = 60_000;

test("a busy minute raises one alert at the limit, and a block-tier minute revokes", () => {
  const baseline = new NaiveBaseline();
  for (let i = 0; i < 700; i++) baseline.observe("T", 10 * MINUTE + i * 50, "192.0.2.1");
  assert.deepEqual(
    baseline.verdicts.map((v) => [v.action, v.ruleId, v.ts]),
    [
      ["alert", "baseline-rate-limit", 10 * MINUTE + 119 * 50],
      ["revoke", "baseline-rate-block", 10 * MINUTE + 599 * 50],
    ],
  );
});

test("the count restarts with each clock minute", () => {
  const baseline = new NaiveBaseline();
  // 100 requests in each of two minutes: 200 within 60 s across the boundary, 100 per minute.
  for (let i = 0; i < 200; i++) baseline.observe("T", MINUTE / 2 + i * 300, "192.0.2.1");
  assert.deepEqual(baseline.verdicts, []);
});

test("four addresses within ten minutes revoke; four spread over 40 minutes do not", () => {
  const close = new NaiveBaseline();
  const spread = new NaiveBaseline();
  ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"].forEach((ip, i) => {
    close.observe("T", i * MINUTE, ip);
    spread.observe("T", i * 11 * MINUTE, ip);
  });
  assert.deepEqual(
    close.verdicts.map((v) => [v.action, v.ruleId, v.ts]),
    [["revoke", "baseline-distinct-ips", 3 * MINUTE]],
  );
  assert.deepEqual(spread.verdicts, []);
});

test("a token is revoked once; the next hit after the cooldown is an alert", () => {
  const baseline = new NaiveBaseline();
  for (const start of [0, 90 * MINUTE]) {
    for (let i = 0; i < 4; i++) baseline.observe("T", start + i * MINUTE, `192.0.2.${start + i}`);
  }
  assert.deepEqual(
    baseline.verdicts.map((v) => v.action),
    ["revoke", "alert"],
  );
});
