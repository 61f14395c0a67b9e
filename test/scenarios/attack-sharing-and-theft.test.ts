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
 * Attacks that must be caught: a token shared between people on different
 * networks at once (revoked), and a stolen token used from another country
 * while its owner keeps working (step-up: the owner can re-authenticate, the
 * thief cannot; a roaming traveller looks alike, see fp-travel-and-machines).
 */

const ATTACK = MONDAY + 21 * DAY + 10 * HOUR;

for (const kind of STORE_KINDS) {
  describe(`${kind} store: sharing and concurrent theft`, () => {
    let scenario: Scenario;
    before(async () => {
      scenario = await Scenario.open(kind);
    });
    after(() => scenario.close());

    test("a token shared by five people on five networks is revoked", async () => {
      const token = "shared-token-Mq83Lz02WsKp";
      const people = ["homeDe", "o2De", "officeDe", "london", "comcastUs"] as const;
      const traffic = people.flatMap((name, n) =>
        every(20 * SECOND, ATTACK + n * 7 * SECOND, ATTACK + 10 * MINUTE, () => ({
          ip: place(name),
          token,
        })),
      );
      await scenario.send(traffic);

      const [revocation, ...more] = scenario.revocations(token);
      assert.deepEqual(more, []);
      assert.equal(revocation?.ruleId, "many-networks-short-window");
      assert.equal(revocation?.ruleVersion, 2);
      const evidence = revocation?.findings.find((f) => f.ruleId === revocation.ruleId)?.evidence;
      assert.equal(evidence?.["window.networks5m"], 5);
      assert.equal(evidence?.["window.asns5m"], 5);
    });

    test("a thief in Brazil using it while its owner works in Germany must step up", async () => {
      const token = "stolen-token-Zq02LmW83sKp";
      const owner = workingWeeks(3, MONDAY + 21 * DAY, 20 * MINUTE, () => ({
        ip: place("homeDe"),
        token,
      }));
      const ownerToday = every(30 * SECOND, ATTACK - HOUR, ATTACK + HOUR, () => ({
        ip: place("homeDe"),
        token,
      }));
      const thief = every(25 * SECOND, ATTACK, ATTACK + 30 * MINUTE, () => ({
        ip: place("brazil"),
        userAgent: "python-requests/2.32.3",
        token,
      }));
      await scenario.send([...owner, ...ownerToday, ...thief], 50);

      const decisions = scenario.decisionsBy("concurrent-use-two-countries", token);
      const [stepUp] = decisions;
      assert.deepEqual(new Set(decisions.map((d) => d.action)), new Set(["step_up"]));
      assert.deepEqual(scenario.revocations(token), []);
      assert.ok(stepUp && stepUp.ts > ATTACK && stepUp.ts < ATTACK + 10 * MINUTE);
      const evidence = stepUp?.findings.find((f) => f.ruleId === stepUp.ruleId)?.evidence;
      assert.equal(evidence?.["window.countries1h"], 2);
      assert.equal(evidence?.["window.alternations10m"], 6);
      assert.equal(evidence?.["event.country"], "BR");
      // The first request from Brazil was already flagged on its own.
      const [first] = scenario.decisionsBy("impossible-travel", token);
      assert.equal(first?.ts, ATTACK);
      assert.equal(scenario.decisionsBy("new-country-after-learning", token)[0]?.ts, ATTACK);
    });
  });
}
