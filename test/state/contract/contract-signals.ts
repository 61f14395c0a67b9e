import assert from "node:assert/strict";
import { test } from "node:test";
import {
  HOUR,
  MINUTE,
  obs,
  observeEach,
  type StoreFactory,
  T0,
  withStore,
} from "./contract-support.js";

const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** The hour-of-week profile, alternations, 401/403 counts and revocation. */
export function signalContract(factory: StoreFactory): void {
  test("the hour profile counts active hours per weekday slot and decays weekly", async () => {
    await withStore(factory, {}, async (store) => {
      // T0 is Monday 10:00 UTC.
      const stats = await observeEach(store, "fp-hours", [
        obs(T0),
        obs(T0 + 30 * MINUTE),
        obs(T0 + DAY),
        obs(T0 + DAY + HOUR),
        obs(T0 + WEEK),
      ]);

      assert.deepEqual(
        stats.map((s) => [s?.hourLevel, s?.hourOfDayLevel, s?.activeHours]),
        [
          [0, 0, 0],
          [4, 4, 1],
          [0, 4, 1],
          [0, 8, 2],
          [3, 9, 3],
        ],
      );
    });
  });

  test("a slot used once is forgotten after four idle weeks", async () => {
    await withStore(factory, {}, async (store) => {
      // Monday 10:00, then Tuesday 10:00 three weeks later, then Wednesday a week after.
      const stats = await observeEach(store, "fp-forget", [
        obs(T0),
        obs(T0 + 3 * WEEK + DAY),
        obs(T0 + 4 * WEEK + 2 * DAY),
      ]);

      // Monday's 4 has decayed to 1, then 0; Tuesday's 4 to 3.
      assert.deepEqual(
        stats.map((s) => [s?.hourLevel, s?.hourOfDayLevel]),
        [
          [0, 0],
          [0, 1],
          [0, 3],
        ],
      );
    });
  });

  test("a late event in an earlier hour is not an active hour", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-late-hour", [
        obs(T0 + 2 * HOUR),
        obs(T0),
        obs(T0 + 2 * HOUR + MINUTE),
        obs(T0 + WEEK - MINUTE),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.activeHours),
        [0, 1, 1, 1],
      );
    });
  });

  test("returning to the network before the last one counts an alternation", async () => {
    await withStore(factory, {}, async (store) => {
      const ab = ["198.51.100.1", "203.0.113.9"];
      const stats = await observeEach(store, "fp-alternate", [
        ...[0, 1, 0, 1, 0].map((n, i) => obs(T0 + i * MINUTE, { network: ab[n] })),
        obs(T0 + 20 * MINUTE, { network: ab[0] }),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.alternations10m),
        [0, 0, 1, 2, 3, 0],
      );
    });
  });

  test("staying on one network, then switching once, is no alternation", async () => {
    await withStore(factory, {}, async (store) => {
      const [a, b] = ["198.51.100.1", "203.0.113.9"];
      const order = [a, a, b, b, b];
      const stats = await observeEach(
        store,
        "fp-switch",
        order.map((network, i) => obs(T0 + i * MINUTE, { network })),
      );

      assert.deepEqual(
        stats.map((s) => s?.alternations10m),
        [0, 0, 0, 0, 0],
      );
    });
  });

  test("401 and 403 responses are counted over five minutes", async () => {
    await withStore(factory, {}, async (store) => {
      const statuses = [401, 401, 200, 403, 500];
      const stats = await observeEach(store, "fp-denied", [
        ...statuses.map((status, i) => obs(T0 + i * 10_000, { status })),
        obs(T0 + 6 * MINUTE, { status: 401 }),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.denied5m),
        [1, 2, 2, 3, 3, 1],
      );
    });
  });

  test("after a revocation, 401/403 responses change nothing; 2xx still count", async () => {
    await withStore(factory, {}, async (store) => {
      await store.observe("fp-revoked", [obs(T0)]);
      await store.markRevoked("fp-revoked", T0 + MINUTE);
      await store.markRevoked("fp-revoked", T0 + 2 * MINUTE);
      const stats = await observeEach(store, "fp-revoked", [
        obs(T0 + 2 * MINUTE, { status: 401, network: "203.0.113.50" }),
        obs(T0 + 3 * MINUTE, { status: 200 }),
        obs(T0 + 30_000, { status: 403 }),
      ]);

      assert.deepEqual(
        stats.map((s) => [s?.afterRevocation, s?.totalRequests, s?.denied5m, s?.networks5m]),
        [
          [true, 1, 0, 1],
          [false, 2, 0, 1],
          [false, 3, 1, 1],
        ],
      );
      assert.ok(stats.every((s) => s?.revokedAt === T0 + MINUTE));
    });
  });

  test("marking a token without state revoked writes nothing", async () => {
    await withStore(factory, {}, async (store) => {
      await store.markRevoked("fp-stranger", T0);
      const [stats] = await store.observe("fp-stranger", [obs(T0 + MINUTE, { status: 401 })]);

      assert.deepEqual([stats?.revokedAt, stats?.afterRevocation, stats?.denied5m], [0, false, 1]);
    });
  });

  test("browser requests are counted for the token's life", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-browser", [
        obs(T0, { browser: true }),
        obs(T0 + 2 * HOUR, { browser: false }),
        obs(T0 + 3 * DAY, { browser: true }),
      ]);

      assert.deepEqual(
        stats.map((s) => s?.browserRequests),
        [1, 1, 2],
      );
    });
  });
}

/** ASN and country memory, and the last location. */
export function placeContract(factory: StoreFactory): void {
  test("ASNs and countries are remembered with their last use", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-places", [
        obs(T0, { asn: 3320, country: "DE" }),
        obs(T0 + MINUTE, { asn: 3320, country: "DE" }),
        obs(T0 + 2 * MINUTE, { asn: 7922, country: "US" }),
        obs(T0 + 2 * HOUR, { asn: null, country: null }),
        obs(T0 + 3 * DAY, { asn: 7922, country: "US" }),
      ]);

      assert.deepEqual(
        stats.map((s) => [s?.asnKnown, s?.countryKnown, s?.knownAsns, s?.knownCountries]),
        [
          [false, false, 0, 0],
          [true, true, 1, 1],
          [false, false, 1, 1],
          [true, true, 2, 2],
          [true, true, 2, 2],
        ],
      );
      assert.deepEqual(
        stats.map((s) => [s?.asns5m, s?.asns1h, s?.countries1h]),
        [
          [1, 1, 1],
          [1, 1, 1],
          [2, 2, 2],
          [0, 0, 0],
          [1, 1, 1],
        ],
      );
    });
  });

  test("at most sixteen ASNs are remembered, the least recent forgotten first", async () => {
    await withStore(factory, {}, async (store) => {
      const many = Array.from({ length: 17 }, (_, i) => obs(T0 + i * 1000, { asn: 64_500 + i }));
      const stats = await observeEach(store, "fp-many-asns", [
        ...many,
        obs(T0 + MINUTE, { asn: 64_500 }),
        obs(T0 + MINUTE + 1, { asn: 64_516 }),
      ]);

      assert.deepEqual(
        stats.slice(-2).map((s) => [s?.asnKnown, s?.knownAsns]),
        [
          [false, 16],
          [true, 16],
        ],
      );
    });
  });

  test("the previous location is the newest located use before, rounded as stored", async () => {
    await withStore(factory, {}, async (store) => {
      const berlin = { lat: 52.520008, lon: 13.404954, radiusKm: 50.4 };
      const paris = { lat: 48.8566, lon: 2.3522, radiusKm: 100 };
      const lisbon = { lat: 38.7223, lon: -9.1393, radiusKm: 25 };
      const stats = await observeEach(store, "fp-travel", [
        obs(T0, { location: berlin }),
        obs(T0 + HOUR, { location: paris }),
        obs(T0 + 30 * MINUTE, { location: lisbon }),
        obs(T0 + 2 * HOUR),
      ]);

      assert.equal(stats[0]?.previousLocation, null);
      assert.deepEqual(stats[1]?.previousLocation, {
        lat: 52.52,
        lon: 13.405,
        radiusKm: 50,
        ts: T0,
      });
      assert.deepEqual(stats[3]?.previousLocation, { ...paris, ts: T0 + HOUR });
    });
  });

  test("a token seen again after hours knows its user agent but not within the hour", async () => {
    await withStore(factory, {}, async (store) => {
      const stats = await observeEach(store, "fp-agent", [
        obs(T0, { userAgent: "Firefox/Linux/desktop" }),
        obs(T0 + 3 * HOUR, { userAgent: "Firefox/Linux/desktop" }),
        obs(T0 + 3 * HOUR + 1, { userAgent: "Chrome/Android/mobile" }),
      ]);

      assert.deepEqual(
        stats.map((s) => [s?.userAgentKnown, s?.userAgentSeenBefore]),
        [
          [false, false],
          [true, false],
          [false, false],
        ],
      );
    });
  });
}
