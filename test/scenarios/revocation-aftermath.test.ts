import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { place } from "./support/places.js";
import {
  DAY,
  every,
  HOUR,
  MINUTE,
  MONDAY,
  type Request,
  Scenario,
  SECOND,
  STORE_KINDS,
} from "./support/scenario.js";

/*
 * After tokenwatch revokes a token: the 401 burst of the gateway enforcing
 * it must not raise findings of its own, a thief retrying the dead token
 * must be reported, and a gateway still accepting it must be reported
 * loudly.
 */

const START = MONDAY + 7 * DAY + 10 * HOUR;
const PEOPLE = ["homeDe", "o2De", "officeDe", "london", "comcastUs"] as const;

/** Five people on five networks for ten minutes: the token gets revoked. */
function sharing(token: string, status = 200, from = START): Request[] {
  return PEOPLE.flatMap((name, n) =>
    every(10 * SECOND, from + n * SECOND, from + 10 * MINUTE, () => ({
      ip: place(name),
      status,
      token,
    })),
  );
}

for (const kind of STORE_KINDS) {
  describe(`${kind} store: after a revocation`, () => {
    let scenario: Scenario;
    before(async () => {
      scenario = await Scenario.open(kind);
    });
    after(() => scenario.close());

    test("the 401 burst after our own revocation feeds no other detector", async () => {
      const token = "revoked-token-Lq02Zs83mWkP";
      await scenario.send(sharing(token).filter((r) => r.at < START + 2 * MINUTE));
      assert.equal(scenario.revocations(token).length, 1);
      const before = await scenario.findingCounts();

      // Every client keeps trying for ten minutes: 300 rejections.
      await scenario.send(sharing(token, 401, START + 3 * MINUTE));

      const counts = await scenario.findingCounts();
      assert.equal(counts["auth-failure-burst"], undefined);
      assert.equal(counts["many-networks-short-window"], before["many-networks-short-window"]);
      assert.equal(scenario.revocations(token).length, 1);
      // The retries are reported once per cooldown, as what they are.
      const retried = scenario.decisionsBy("revoked-token-retried", token);
      assert.equal(retried.length, 1);
      assert.deepEqual(
        retried[0]?.findings.map((f) => f.ruleId),
        ["revoked-token-retried"],
      );
    });

    test("a thief retrying a revoked token is reported", async () => {
      const token = "retried-token-Wz83Lq02mKsP";
      await scenario.send(sharing(token).filter((r) => r.at < START + 2 * MINUTE));
      const [revocation] = scenario.revocations(token);
      assert.ok(revocation);

      const retry = { at: START + HOUR, ip: place("brazil"), status: 401, token };
      await scenario.send([retry]);

      const [reported] = scenario.decisionsBy("revoked-token-retried", token);
      assert.equal(reported?.ts, START + HOUR);
      const evidence = reported?.findings[0]?.evidence;
      assert.equal(evidence?.["window.revokedAt"], revocation.ts);
      assert.equal(evidence?.["event.asn"], 8167);
    });

    test("a revoked token the gateway still accepts is a critical finding", async () => {
      const token = "unenforced-token-Ks02Wq83LzmP";
      await scenario.send(sharing(token).filter((r) => r.at < START + 2 * MINUTE));
      const [revocation] = scenario.revocations(token);
      assert.ok(revocation);

      const stillAccepted = every(
        MINUTE,
        revocation.ts + MINUTE,
        revocation.ts + 10 * MINUTE,
        () => ({
          ip: place("london"),
          token,
        }),
      );
      await scenario.send(stillAccepted);

      const [unenforced, ...more] = scenario.decisionsBy("revocation-not-enforced", token);
      assert.deepEqual(more, []);
      // The five-minute grace: the first 2xx after it.
      assert.equal(unenforced?.ts, revocation.ts + 6 * MINUTE);
      assert.equal(
        unenforced?.findings.find((f) => f.ruleId === "revocation-not-enforced")?.severity,
        "critical",
      );
    });
  });
}
