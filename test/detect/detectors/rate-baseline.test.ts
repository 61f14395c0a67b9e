import assert from "node:assert/strict";
import { test } from "node:test";
import {
  rateBaselineDetector,
  rateBaselineParamsSchema,
  rateBaselineStats,
} from "../../../src/detect/detectors/rate-baseline.js";
import { findingsFor, input, rule, ruleFile } from "../support.js";

const DEFAULTS = rateBaselineParamsSchema.parse({});
const check = rateBaselineDetector.create(DEFAULTS);

/** Ten minutes of an ordinary ~10 requests/minute token, repeated `times` times. */
function steady(times: number): number[] {
  return Array.from({ length: times }, () => [10, 12, 11, 9, 10, 13, 10, 11, 12, 10]).flat();
}

/** 30 minutes alternating 20 and 60 requests: median 40, MAD 20. */
const BURSTY = Array.from({ length: 15 }, () => [20, 60]).flat();

test("the defaults are a z of 6 after 30 minutes and 200 requests", () => {
  assert.deepEqual(DEFAULTS, {
    threshold: 6,
    minHistoryMinutes: 30,
    minTotalRequests: 200,
    minRequests: 30,
    madFloor: 1,
  });
});

test("a flat history gives a finite z through the Poisson floor", () => {
  const stats = rateBaselineStats(Array(30).fill(25), 35, 1);

  // MAD is 0; the scale falls back to sqrt(25) = 5, so z = (35 - 25) / 5 = 2.
  assert.equal(stats.mad, 0);
  assert.equal(stats.scale, 5);
  assert.equal(stats.z, 2);
});

test("a history near zero falls back to madFloor", () => {
  const stats = rateBaselineStats(Array(30).fill(0), 12, 1.5);

  // median 0, MAD 0, sqrt(0) = 0: the scale is madFloor, z = 12 / 1.5 = 8.
  assert.equal(stats.median, 0);
  assert.equal(stats.scale, 1.5);
  assert.equal(stats.z, 8);
});

test("a spread-out history is scaled by 1.4826 times its MAD", () => {
  const stats = rateBaselineStats(BURSTY, 250, 1);

  // median 40; every deviation is 20, so MAD = 20 and scale = 29.652 (> sqrt(40) = 6.32).
  assert.equal(stats.median, 40);
  assert.equal(stats.mad, 20);
  assert.ok(Math.abs(stats.scale - 29.652) < 1e-9);
  assert.ok(Math.abs(stats.z - 210 / 29.652) < 1e-9);
});

test("a burst after warm-up fires with the numbers that made it fire", () => {
  const history = steady(3);
  const given = input({ window: { requests1m: 60, minuteHistory: history, totalRequests: 384 } });

  // Sorted, the 30 minutes are 9×3, 10×12, 11×6, 12×6, 13×3: median (10 + 11) / 2 = 10.5.
  // Deviations: 0.5×18, 1.5×9, 2.5×3, so MAD = 0.5 and 1.4826 × 0.5 = 0.74 < sqrt(10.5).
  // scale = sqrt(10.5) = 3.2404; z = (60 - 10.5) / 3.2404 = 15.276.
  assert.deepEqual(check(given), {
    current: 60,
    median: 10.5,
    mad: 0.5,
    scale: 3.24,
    z: 15.28,
    threshold: 6,
    historyMinutes: 30,
  });
});

test("a burst during warm-up does not fire", () => {
  const short = input({
    window: { requests1m: 60, minuteHistory: steady(3).slice(1), totalRequests: 400 },
  });
  const few = input({ window: { requests1m: 60, minuteHistory: steady(3), totalRequests: 199 } });

  assert.equal(check(short), null);
  assert.equal(check(few), null);
});

test("steady traffic does not fire", () => {
  for (const current of [9, 10, 13, 16]) {
    const given = input({
      window: { requests1m: current, minuteHistory: steady(6), totalRequests: 700 },
    });
    assert.equal(check(given), null, `current ${current}`);
  }

  // Five times the volume: median 52.5, scale sqrt(52.5) = 7.25; z = (65 - 52.5) / 7.25 = 1.73.
  const loud = steady(3).map((n) => n * 5);
  const usual = input({ window: { requests1m: 65, minuteHistory: loud, totalRequests: 2000 } });
  assert.equal(check(usual), null);

  // Above minRequests, a normal busy minute on a bursty token: z = (200 - 40) / 29.652 = 5.40 < 6.
  const busy = input({ window: { requests1m: 200, minuteHistory: BURSTY, totalRequests: 1400 } });
  assert.equal(check(busy), null);
});

test("a rise that stays under minRequests does not fire even at a high z", () => {
  const quiet = input({
    window: { requests1m: 29, minuteHistory: Array(40).fill(1), totalRequests: 300 },
  });

  // z would be (29 - 1) / 1 = 28, but 29 requests in a minute is below minRequests (30).
  assert.equal(check(quiet), null);
});

test("the bursty token fires once the z reaches the threshold", () => {
  const given = input({ window: { requests1m: 250, minuteHistory: BURSTY, totalRequests: 1450 } });

  // z = (250 - 40) / 29.652 = 7.08.
  assert.equal(check(given)?.z, 7.08);
});

test("a rule file sets the detector's id, severity, action, mode and params", async () => {
  const fields = {
    detector: "rate-baseline",
    params: "\n      threshold: 4\n      minHistoryMinutes: 10\n      minTotalRequests: 0",
    severity: "critical",
    action: "step_up",
    mode: "shadow",
  };
  const text = ruleFile(rule("my-baseline", fields).replace(/ {4}condition: .*\n/, ""));
  const given = input({ window: { requests1m: 200, minuteHistory: BURSTY.slice(0, 10) } });

  const [finding] = await findingsFor({ "a.yaml": text }, given);

  // Ten minutes: median 40, MAD 20, scale 29.652; z = 5.40 clears threshold 4.
  assert.equal(finding?.ruleId, "my-baseline");
  assert.equal(finding?.severity, "critical");
  assert.equal(finding?.action, "step_up");
  assert.equal(finding?.mode, "shadow");
  assert.equal(finding?.evidence.z, 5.4);
  assert.equal(finding?.evidence.historyMinutes, 10);
});

test("a rule's condition gates its detector", async () => {
  const fields = { detector: "rate-baseline", condition: '"event.path != \\"/healthz\\""' };
  const text = ruleFile(rule("gated", fields));
  const window = { requests1m: 250, minuteHistory: BURSTY, totalRequests: 1450 };

  assert.equal((await findingsFor({ "a.yaml": text }, input({ window }))).length, 1);
  const probe = input({ event: { path: "/healthz" }, window });
  assert.equal((await findingsFor({ "a.yaml": text }, probe)).length, 0);
});
