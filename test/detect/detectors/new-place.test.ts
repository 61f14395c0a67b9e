import assert from "node:assert/strict";
import { test } from "node:test";
import { newPlaceDetector, newPlaceParamsSchema } from "../../../src/detect/detectors/new-place.js";
import { input } from "../support.js";

const asn = newPlaceDetector.create(newPlaceParamsSchema.parse({ place: "asn" }));
const country = newPlaceDetector.create(newPlaceParamsSchema.parse({ place: "country" }));
const TS = Date.UTC(2025, 0, 15, 10, 0, 0);
const HOUR = 3_600_000;
const LEARNED = { totalRequests: 120, firstSeen: TS - 100 * HOUR };

test("the defaults learn for three days and fifty requests", () => {
  assert.deepEqual(newPlaceParamsSchema.parse({ place: "asn" }), {
    place: "asn",
    minAgeHours: 72,
    minTotalRequests: 50,
  });
});

test("a new ASN after learning fires with the place and the history", () => {
  const result = asn(
    input({
      window: { ...LEARNED, asnKnown: false, knownAsns: 2 },
      enrichment: { asn: 8167, country: "BR" },
    }),
  );
  assert.deepEqual(result, {
    place: "asn",
    value: 8167,
    remembered: 2,
    ageHours: 100,
    totalRequests: 120,
  });
});

test("a new country is judged on its own flag", () => {
  const window = { ...LEARNED, asnKnown: true, countryKnown: false, knownCountries: 1 };
  const inputs = input({ window, enrichment: { country: "BR" } });
  assert.equal(asn(inputs), null);
  assert.equal(country(inputs)?.value, "BR");
});

test("while learning, every place is new and nothing fires", () => {
  const young = { totalRequests: 400, firstSeen: TS - 71 * HOUR, asnKnown: false, knownAsns: 1 };
  const quiet = { totalRequests: 49, firstSeen: TS - 200 * HOUR, asnKnown: false, knownAsns: 1 };
  assert.equal(asn(input({ window: young })), null);
  assert.equal(asn(input({ window: quiet })), null);
});

test("a token only ever seen from unknown places has nothing to compare with", () => {
  assert.equal(asn(input({ window: { ...LEARNED, asnKnown: false, knownAsns: 0 } })), null);
});

test("a redelivered event never fires", () => {
  const window = { ...LEARNED, asnKnown: false, knownAsns: 2, duplicate: true };
  assert.equal(asn(input({ window })), null);
});
