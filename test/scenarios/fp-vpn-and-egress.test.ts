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
  Scenario,
  SECOND,
  STORE_KINDS,
  workingWeeks,
} from "./support/scenario.js";

/*
 * False-positive traps of networks: VPNs, split tunnels, an office's
 * SD-WAN egress and CGNAT. Each token first has three weeks of ordinary
 * history, so that every learned detector is armed when the trap comes.
 */

const DAY_OF_TRAP = MONDAY + 21 * DAY + 9 * HOUR;

function history(token: string): Request[] {
  return workingWeeks(3, MONDAY + 21 * DAY, 20 * MINUTE, () => ({ ip: place("homeDe"), token }));
}

for (const kind of STORE_KINDS) {
  describe(`${kind} store: VPNs and shared egress`, () => {
    let scenario: Scenario;
    before(async () => {
      scenario = await Scenario.open(kind);
    });
    after(() => scenario.close());

    test("a VPN switched on and off (exit abroad) revokes nothing", async () => {
      const token = "vpn-toggle-token-Hs83kdPq02LmZx";
      const phases = ["homeDe", "vpnNl", "homeDe", "vpnNl", "homeDe"] as const;
      const trap = phases.flatMap((name, i) =>
        every(
          20 * SECOND,
          DAY_OF_TRAP + i * 15 * MINUTE,
          DAY_OF_TRAP + (i + 1) * 15 * MINUTE,
          () => ({
            ip: place(name),
            token,
          }),
        ),
      );
      await scenario.send([...history(token), ...trap]);

      assert.deepEqual(scenario.revocations(token), []);
      // Switching on and off is seen — a new country — but only as an alert.
      assert.equal(scenario.decisionsBy("new-country-after-learning", token).length, 1);
    });

    test("split tunnelling (app via the VPN, browser direct) revokes nothing", async () => {
      const token = "split-tunnel-token-Uq72nBzLx91Ps";
      const trap = every(30 * SECOND, DAY_OF_TRAP, DAY_OF_TRAP + HOUR, (_, i) => ({
        ip: i % 2 === 0 ? place("homeDe") : place("vpnDe"),
        userAgent: i % 2 === 0 ? CHROME_MAC : "corp-desktop/5.1 (Windows NT 10.0)",
        token,
      }));
      await scenario.send([...history(token), ...trap]);

      assert.deepEqual(scenario.revocations(token), []);
    });

    test("SD-WAN spreading eight employees over two uplinks revokes nothing", async () => {
      const tokens = Array.from({ length: 8 }, (_, n) => `office-token-${n}-Rk20sLq8Zmv`);
      const trap = tokens.flatMap((token, n) =>
        every(15 * SECOND, DAY_OF_TRAP + n * SECOND, DAY_OF_TRAP + HOUR, (_, i) => ({
          // Per-flow load balancing: consecutive requests leave by either link.
          ip: (i + n) % 3 === 0 ? neighbour("officeDe", 10 + n) : neighbour("vpnDe", 20 + n),
          token,
        })),
      );
      await scenario.send(trap);

      assert.deepEqual(scenario.revocations(), []);
    });

    test("forty tokens behind one CGNAT address revoke nothing", async () => {
      const tokens = Array.from({ length: 40 }, (_, n) => `cgnat-token-${n}-Wp4mZs7Lq2`);
      const shared = place("mobileDe");
      const trap = tokens.flatMap((token, n) =>
        every(MINUTE, DAY_OF_TRAP + n * SECOND, DAY_OF_TRAP + 30 * MINUTE, () => ({
          ip: shared,
          token,
        })),
      );
      await scenario.send(trap);

      assert.deepEqual(scenario.revocations(), []);
      assert.equal((await scenario.findingCounts())["many-networks-short-window"], undefined);
    });
  });
}
