import assert from "node:assert/strict";
import { test } from "node:test";
import { Prng } from "../../src/simulate/prng.js";

function draw(rng: Prng, count: number): number[] {
  return Array.from({ length: count }, () => rng.next());
}

test("the same seed and labels give the same sequence", () => {
  assert.deepEqual(draw(Prng.derive(7, "actor", 3), 20), draw(Prng.derive(7, "actor", 3), 20));
});

test("another seed or another label gives another sequence", () => {
  const base = draw(Prng.derive(7, "actor", 3), 5);
  assert.notDeepEqual(draw(Prng.derive(8, "actor", 3), 5), base);
  assert.notDeepEqual(draw(Prng.derive(7, "actor", 4), 5), base);
});

test("integers stay within their inclusive bounds and reach both ends", () => {
  const rng = Prng.derive(1, "int");
  const seen = new Set<number>();
  for (let i = 0; i < 2_000; i++) seen.add(rng.int(2, 5));
  assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
});

test("exponential gaps average their mean", () => {
  const rng = Prng.derive(1, "exp");
  const gaps = Array.from({ length: 20_000 }, () => rng.exponential(30));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  assert.ok(Math.abs(mean - 30) < 1, `mean ${mean}`);
});

test("random text uses only url-safe characters", () => {
  const text = Prng.derive(1, "text").text(500);
  assert.equal(text.length, 500);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
});
