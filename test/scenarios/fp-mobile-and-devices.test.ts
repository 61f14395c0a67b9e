import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { neighbour, place } from "./support/places.js";
import {
  CHROME_MAC,
  DAY,
  every,
  HOUR,
  MINUTE,
  MONDAY,
  type Request,
  SAFARI_IPHONE,
  Scenario,
  SECOND,
  STORE_KINDS,
  workingWeeks,
} from "./support/scenario.js";

/*
 * False-positive traps of one person's devices: a phone whose carrier
 * keeps changing its address, IPv6 privacy addresses, a phone and a laptop
 * used side by side, and a browser upgrade.
 */

const TRAP = MONDAY + 21 * DAY + 10 * HOUR;

function history(token: string, userAgent = CHROME_MAC): Request[] {
  return workingWeeks(3, MONDAY + 21 * DAY, 20 * MINUTE, () => ({
    ip: place("homeDe"),
    userAgent,
    token,
  }));
}

for (const kind of STORE_KINDS) {
  describe(`${kind} store: mobile networks and devices`, () => {
    let scenario: Scenario;
    before(async () => {
      scenario = await Scenario.open(kind);
    });
    after(() => scenario.close());

    test("a carrier rotating the phone's address every half minute revokes nothing", async () => {
      const token = "carrier-churn-token-Lz83Ms02kQ";
      const pool = ["mobileDe", "mobileDe2", "mobileDe3"] as const;
      const trap = every(30 * SECOND, TRAP, TRAP + HOUR, (_, i) => ({
        // Eight addresses of one carrier, several of its regions.
        ip: neighbour(pool[i % 3] as (typeof pool)[number], 1 + (i % 8)),
        userAgent: SAFARI_IPHONE,
        token,
      }));
      await scenario.send([...history(token, SAFARI_IPHONE), ...trap]);

      assert.deepEqual(scenario.revocations(token), []);
    });

    test("IPv6 privacy addresses rotating inside one /64 count as one network", async () => {
      const token = "privacy-v6-token-Xq20LmZ83kPs";
      const trap = every(20 * SECOND, TRAP, TRAP + HOUR, (_, i) => ({
        ip: neighbour("homeDeV6", 0x1000 + i),
        token,
      }));
      await scenario.send([...history(token), ...trap]);

      assert.deepEqual(scenario.revocations(token), []);
      assert.equal(scenario.decisionsBy("many-networks-short-window", token).length, 0);
    });

    test("a phone on mobile data and a laptop on Wi-Fi used together revoke nothing", async () => {
      const token = "phone-laptop-token-Pq02kLz83M";
      const trap = every(30 * SECOND, TRAP, TRAP + 2 * HOUR, (_, i) =>
        i % 2 === 0
          ? { ip: place("homeDe"), userAgent: CHROME_MAC, token }
          : { ip: place("mobileDe"), userAgent: SAFARI_IPHONE, token },
      );
      await scenario.send([...history(token), ...trap]);

      assert.deepEqual(scenario.revocations(token), []);
      // The interleaving is seen by the shadow rule only.
      const counts = await scenario.findingCounts();
      assert.ok((counts["concurrent-use-two-networks"] ?? 0) >= 1);
      assert.equal(counts["concurrent-use-two-countries"], undefined);
    });

    test("a browser upgrade is the same user-agent family", async () => {
      const token = "browser-upgrade-token-Mz72Lq0P";
      const upgraded = CHROME_MAC.replace("Chrome/130.0.0.0", "Chrome/131.0.6778.86");
      const trap = every(MINUTE, TRAP, TRAP + HOUR, () => ({
        ip: place("homeDe"),
        userAgent: upgraded,
        token,
      }));
      await scenario.send([...history(token), ...trap]);

      assert.deepEqual(scenario.decisionsFor(token), []);
    });
  });
}
