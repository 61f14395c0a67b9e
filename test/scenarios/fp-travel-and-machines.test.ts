import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { neighbour, place } from "./support/places.js";
import {
  DAY,
  every,
  HOUR,
  MINUTE,
  MONDAY,
  SAFARI_IPHONE,
  Scenario,
  SECOND,
  SERVICE_CLIENT,
  STORE_KINDS,
  workingWeeks,
} from "./support/scenario.js";

/*
 * False-positive traps of travel and of machines: a real flight, a token
 * that is hardly used, a phone roaming abroad beside hotel Wi-Fi, health
 * checks and CI jobs, and a service token
 * fanning out over a cloud region's addresses.
 */

const TRAP = MONDAY + 21 * DAY;

for (const kind of STORE_KINDS) {
  describe(`${kind} store: travel, quiet tokens and machines`, () => {
    let scenario: Scenario;
    before(async () => {
      scenario = await Scenario.open(kind);
    });
    after(() => scenario.close());

    test("a flight from London to the US, then use there, is no impossible travel", async () => {
      const token = "traveller-token-Kd83mZq02LsP";
      const home = workingWeeks(3, TRAP, 20 * MINUTE, () => ({ ip: place("london"), token }));
      // Last use at 08:00 in London, first use nine hours later in the US.
      const lastAtHome = [{ at: TRAP + 8 * HOUR, ip: place("london"), token }];
      const abroad = every(5 * MINUTE, TRAP + 17 * HOUR, TRAP + 2 * DAY, () => ({
        ip: place("comcastUs"),
        token,
      }));
      await scenario.send([...home, ...lastAtHome, ...abroad]);

      assert.deepEqual(scenario.revocations(token), []);
      assert.deepEqual(scenario.decisionsBy("impossible-travel", token), []);
      // Arriving is a new country: one alert, with its evidence. Age: first use
      // Monday 08:00, arrival three weeks later at 17:00 (21 × 24 + 9 h);
      // requests: 15 working days × 30, the last one in London, and this one.
      const [arrival] = scenario.decisionsBy("new-country-after-learning", token);
      assert.equal(arrival?.action, "alert");
      assert.deepEqual(
        arrival?.findings.find((f) => f.ruleId === "new-country-after-learning")?.evidence,
        { place: "country", value: "US", remembered: 1, ageHours: 513, totalRequests: 452 },
      );
    });

    test("a phone roaming home-routed beside hotel Wi-Fi abroad revokes nothing", async () => {
      const token = "roaming-token-Wq83Ls02KzmP";
      const home = workingWeeks(3, TRAP, 20 * MINUTE, (_, i) =>
        i % 2 === 0
          ? { ip: place("homeDe"), token }
          : { ip: place("mobileDe"), userAgent: SAFARI_IPHONE, token },
      );
      // In London: the laptop on the hotel's line, the phone still leaving
      // through its German carrier (home-routed roaming), side by side.
      const trip = every(30 * SECOND, TRAP + 12 * HOUR, TRAP + 13 * HOUR, (_, i) =>
        i % 2 === 0
          ? { ip: place("london"), token }
          : { ip: place("mobileDe2"), userAgent: SAFARI_IPHONE, token },
      );
      await scenario.send([...home, ...trip]);

      assert.deepEqual(scenario.revocations(token), []);
      // It does look like concurrent use from two countries: at most a step-up.
      const actions = new Set(scenario.decisionsFor(token).map((d) => d.action));
      assert.deepEqual([...actions].sort(), ["alert", "step_up"]);
    });

    test("a token used three times from three places in a week revokes nothing", async () => {
      const token = "rare-token-Wm20LzQ83kPs";
      const uses = [
        { at: TRAP, ip: place("homeDe"), token },
        { at: TRAP + 2 * DAY, ip: place("london"), token },
        { at: TRAP + 6 * DAY, ip: place("documentation"), token },
      ];
      await scenario.send(uses);

      assert.deepEqual(scenario.decisionsFor(token), []);
    });

    test("health checks from many probes and CI jobs on fresh runners revoke nothing", async () => {
      const probe = "probe-token-Hz02Lq83mWsK";
      const probes = every(2 * SECOND, TRAP, TRAP + 30 * MINUTE, (_, i) => ({
        ip: neighbour(i % 2 ? "awsDe1" : "comcastUs", 10 + (i % 9)),
        path: "/healthz",
        userAgent: "kube-probe/1.31",
        token: probe,
      }));
      const ci = "ci-token-Lq83mZs02WkH";
      // Each job runs on a new runner address and makes a burst of calls.
      const jobs = Array.from({ length: 12 }, (_, job) =>
        every(SECOND, TRAP + job * 4 * MINUTE, TRAP + job * 4 * MINUTE + 40 * SECOND, () => ({
          ip: neighbour("awsDe2", 100 + job),
          userAgent: "curl/8.5.0",
          method: "POST",
          token: ci,
        })),
      ).flat();
      await scenario.send([...probes, ...jobs]);

      assert.deepEqual(scenario.decisionsFor(probe), []);
      assert.deepEqual(scenario.revocations(ci), []);
    });

    test("a service token on twenty workers of one cloud region revokes nothing", async () => {
      const token = "service-token-Zs02LmW83qKp";
      const workers = every(500, TRAP, TRAP + HOUR, (_, i) => ({
        ip: neighbour(["awsDe1", "awsDe2", "awsDe3"][i % 3] as "awsDe1", 1 + (i % 20)),
        userAgent: SERVICE_CLIENT,
        token,
      }));
      await scenario.send(workers);

      assert.deepEqual(scenario.revocations(token), []);
    });
  });
}
