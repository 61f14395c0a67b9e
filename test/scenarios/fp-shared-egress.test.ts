import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { neighbour, place } from "./support/places.js";
import {
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
} from "./support/scenario.js";

/*
 * A corporate proxy pool: thirty colleagues' tokens leave the office
 * through six proxy addresses, each request by whichever proxy is free.
 * One of them also uses a phone on mobile data and a tablet on another
 * carrier. Counted address by address that is eight networks in three
 * operators — the sharing rule's revocation. Learned as shared egress,
 * the pool is one network.
 */

const START = MONDAY + 7 * DAY + 9 * HOUR;
const TARGET = "proxied-user-token-Qs83mLz02WkP";

function office(): Request[] {
  const colleagues = Array.from({ length: 30 }, (_, n) => `colleague-${n}-Zp02Lq83mWs`);
  const pool = (i: number) => neighbour("officeDe", 20 + (i % 6));
  const others = colleagues.flatMap((token, n) =>
    every(20 * SECOND, START + n * 500, START + 20 * MINUTE, (_, i) => ({
      ip: pool(i + n),
      token,
    })),
  );
  const laptop = every(10 * SECOND, START + 5 * MINUTE, START + 20 * MINUTE, (_, i) => ({
    ip: pool(i),
    token: TARGET,
  }));
  const phone = every(40 * SECOND, START + 5 * MINUTE, START + 20 * MINUTE, () => ({
    ip: place("mobileDe"),
    userAgent: SAFARI_IPHONE,
    token: TARGET,
  }));
  const tablet = every(45 * SECOND, START + 5 * MINUTE, START + 20 * MINUTE, () => ({
    ip: place("o2De"),
    userAgent: SAFARI_IPHONE.replace("iPhone", "iPad"),
    token: TARGET,
  }));
  return [...others, ...laptop, ...phone, ...tablet];
}

for (const kind of STORE_KINDS) {
  describe(`${kind} store: shared egress`, () => {
    let learning: Scenario;
    let blind: Scenario;
    before(async () => {
      learning = await Scenario.open(kind);
      blind = await Scenario.open(kind, { enrich: { sharedEgressTokens: 0 } });
    });
    after(async () => {
      await learning.close();
      await blind.close();
    });

    test("a proxy pool that thirty tokens share counts as one network", async () => {
      await learning.send(office());

      assert.deepEqual(learning.revocations(), []);
    });

    test("without shared-egress learning the same day would revoke the proxied user", async () => {
      await blind.send(office());

      const [revocation] = blind.revocations(TARGET);
      assert.equal(revocation?.ruleId, "many-networks-short-window");
      assert.equal(blind.revocations().length, 1);
    });
  });
}
