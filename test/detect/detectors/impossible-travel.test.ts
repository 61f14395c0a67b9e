import assert from "node:assert/strict";
import { test } from "node:test";
import {
  impossibleTravelDetector,
  impossibleTravelParamsSchema,
} from "../../../src/detect/detectors/impossible-travel.js";
import { distanceKm } from "../../../src/enrich/geo-distance.js";
import { input } from "../support.js";

const check = impossibleTravelDetector.create(impossibleTravelParamsSchema.parse({}));
const TS = Date.UTC(2025, 0, 15, 10, 0, 0);
const MINUTE = 60_000;

const FRANKFURT = { lat: 50.1109, lon: 8.6821, radiusKm: 100 };
const BERLIN = { lat: 52.52, lon: 13.405, radiusKm: 100 };
const LONDON = { lat: 51.5143, lon: -0.0912, radiusKm: 100 };
const NEW_YORK = { lat: 40.7128, lon: -74.006, radiusKm: 100 };

function travel(from: typeof FRANKFURT, minutesAgo: number, to: typeof FRANKFURT) {
  return check(
    input({
      window: { previousLocation: { ...from, ts: TS - minutesAgo * MINUTE } },
      enrichment: { location: to, country: "XX" },
    }),
  );
}

test("distances are great-circle kilometres", () => {
  // Haversine on a 6,371 km sphere: London–New York 5,572 km (the
  // ellipsoid says 5,570), Frankfurt–Berlin 424 km.
  assert.equal(Math.round(distanceKm(LONDON, NEW_YORK)), 5572);
  assert.equal(Math.round(distanceKm(FRANKFURT, BERLIN)), 424);
});

test("London to New York in ten minutes is impossible, with its numbers", () => {
  assert.deepEqual(travel(LONDON, 10, NEW_YORK), {
    distanceKm: 5572,
    marginKm: 200,
    elapsedMinutes: 10,
    speedKmh: 32_234,
    maxSpeedKmh: 1000,
    country: "XX",
  });
});

test("London to New York in seven hours is a flight", () => {
  assert.equal(travel(LONDON, 7 * 60, NEW_YORK), null);
});

test("hops shorter than 500 km after the accuracy margins never count", () => {
  // 424 km in one minute: fast, but within what geo-IP cannot tell apart.
  assert.equal(travel(FRANKFURT, 1, BERLIN), null);
});

test("coarse locations shrink the distance by their radius", () => {
  const coarse = { ...NEW_YORK, radiusKm: 3000 };
  // 5,572 − 100 − 3,000 = 2,472 km in 10 minutes still fires; in 3 hours it does not.
  assert.equal(travel(LONDON, 10, coarse)?.marginKm, 3100);
  assert.equal(travel(LONDON, 180, coarse), null);
});

test("two requests a second apart are measured over the one-minute floor", () => {
  const result = check(
    input({
      window: { previousLocation: { ...LONDON, ts: TS - 1000 } },
      enrichment: { location: NEW_YORK },
    }),
  );
  const effective = distanceKm(LONDON, NEW_YORK) - 200;
  assert.equal(result?.speedKmh, Math.round(effective * 60));
  assert.equal(result?.elapsedMinutes, 0);
});

test("without a previous or a current location there is nothing to measure", () => {
  assert.equal(check(input({ enrichment: { location: NEW_YORK } })), null);
  const previous = { ...LONDON, ts: TS - MINUTE };
  assert.equal(check(input({ window: { previousLocation: previous } })), null);
});

test("params are strict", () => {
  assert.equal(impossibleTravelParamsSchema.safeParse({ maxSpeed: 900 }).success, false);
});
