import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { place } from "./support/places.js";
import {
  DAY,
  every,
  HOUR,
  MINUTE,
  MONDAY,
  Scenario,
  SECOND,
  STORE_KINDS,
  workingWeeks,
} from "./support/scenario.js";

/*
 * Attacks that must be caught: a stolen token used at night, when its
 * owner never works, and a scraping burst with a stolen token.
 */

const THREE_WEEKS_ON = MONDAY + 21 * DAY;

for (const kind of STORE_KINDS) {
  describe(`${kind} store: unusual hours and scraping`, () => {
    let scenario: Scenario;
    before(async () => {
      scenario = await Scenario.open(kind);
    });
    after(() => scenario.close());

    test("a stolen token used at 02:00 by someone else is flagged as an unusual hour", async () => {
      const token = "night-token-Ws83Lq02mZkP";
      const owner = workingWeeks(3, THREE_WEEKS_ON, 20 * MINUTE, () => ({
        ip: place("homeDe"),
        token,
      }));
      const night = every(
        MINUTE,
        THREE_WEEKS_ON + 2 * HOUR,
        THREE_WEEKS_ON + 2 * HOUR + 10 * MINUTE,
        () => ({
          ip: place("o2De"),
          token,
        }),
      );
      await scenario.send([...owner, ...night]);

      const [decision] = scenario.decisionsBy("unusual-hour", token);
      assert.equal(decision?.action, "alert");
      assert.equal(decision?.ts, THREE_WEEKS_ON + 2 * HOUR);
      const finding = decision?.findings.find((f) => f.ruleId === "unusual-hour");
      assert.deepEqual(finding?.evidence, {
        hourOfWeek: "Mon 02:00 UTC",
        hourLevel: 0,
        hourOfDayLevel: 0,
        activeHours: 150,
        ageDays: 21,
      });
      assert.deepEqual(scenario.revocations(token), []);
    });

    test("the owner starting early or working on a Saturday is not an unusual hour", async () => {
      const token = "early-bird-token-Lz02Wq83mKsP";
      const owner = workingWeeks(3, THREE_WEEKS_ON, 20 * MINUTE, () => ({
        ip: place("homeDe"),
        token,
      }));
      const early = [{ at: THREE_WEEKS_ON + 7 * HOUR + 10 * MINUTE, ip: place("homeDe"), token }];
      const saturday = every(
        10 * MINUTE,
        THREE_WEEKS_ON + 5 * DAY + 10 * HOUR,
        THREE_WEEKS_ON + 5 * DAY + 12 * HOUR,
        () => ({
          ip: place("homeDe"),
          token,
        }),
      );
      await scenario.send([...owner, ...early, ...saturday]);

      assert.deepEqual(scenario.decisionsFor(token), []);
    });

    test("a scraping burst with a stolen token is flagged by ceiling and baseline", async () => {
      const token = "scraped-token-Kq83Zs02LmWp";
      const start = THREE_WEEKS_ON + 10 * HOUR;
      const owner = every(6 * SECOND, start, start + 40 * MINUTE, () => ({
        ip: place("homeDe"),
        token,
      }));
      const burst = every(80, start + 40 * MINUTE, start + 41 * MINUTE, () => ({
        ip: place("o2De"),
        userAgent: "python-requests/2.32.3",
        token,
      }));
      await scenario.send([...owner, ...burst]);

      const ceiling = scenario.decisionsBy("request-rate-ceiling", token);
      const baseline = scenario.decisionsBy("rate-above-baseline", token);
      assert.equal(ceiling.length, 1);
      assert.equal(baseline.length, 1);
      const z = baseline[0]?.findings.find((f) => f.ruleId === "rate-above-baseline")?.evidence.z;
      assert.ok(Number(z) >= 6, `z = ${z}`);
      assert.deepEqual(scenario.revocations(token), []);
    });
  });
}
