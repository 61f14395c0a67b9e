import assert from "node:assert/strict";
import { test } from "node:test";
import {
  unusualHourDetector,
  unusualHourParamsSchema,
} from "../../../src/detect/detectors/unusual-hour.js";
import { input } from "../support.js";

const check = unusualHourDetector.create(unusualHourParamsSchema.parse({}));
const TS = Date.UTC(2025, 0, 15, 10, 0, 0); // a Wednesday
const DAY = 86_400_000;
const LEARNED = { activeHours: 60, firstSeen: TS - 20 * DAY };

test("an hour never used in a learned profile fires with where it falls in the week", () => {
  const result = check(input({ window: { ...LEARNED, hourLevel: 0, hourOfDayLevel: 0 } }));
  assert.deepEqual(result, {
    hourOfWeek: "Wed 10:00 UTC",
    hourLevel: 0,
    hourOfDayLevel: 0,
    activeHours: 60,
    ageDays: 20,
  });
});

test("an hour used on any weekday, or next to one, stays quiet", () => {
  assert.equal(check(input({ window: { ...LEARNED, hourLevel: 0, hourOfDayLevel: 1 } })), null);
});

test("the profile learns for 14 days and 40 active hours first", () => {
  const young = { activeHours: 200, firstSeen: TS - 13 * DAY, hourOfDayLevel: 0 };
  const sparse = { activeHours: 39, firstSeen: TS - 60 * DAY, hourOfDayLevel: 0 };
  assert.equal(check(input({ window: young })), null);
  assert.equal(check(input({ window: sparse })), null);
});

test("a looser threshold accepts faint hours as unusual too", () => {
  const loose = unusualHourDetector.create(unusualHourParamsSchema.parse({ maxHourOfDayLevel: 3 }));
  const window = { ...LEARNED, hourLevel: 0, hourOfDayLevel: 3 };
  assert.equal(loose(input({ window }))?.hourOfDayLevel, 3);
});
