import assert from "node:assert/strict";
import { test } from "node:test";
import { HOUR, MINUTE, obs, type StoreFactory, T0, withStore } from "./contract-support.js";

const COOLDOWN = 10 * MINUTE;

/** Rule cooldowns, the one revocation per token, and refused input. */
export function claimContract(factory: StoreFactory): void {
  test("a cooldown is granted once per window and again to the same decision", async () => {
    await withStore(factory, {}, async (store) => {
      const claim = (ts: number, decisionId: string, ruleId = "many-networks") =>
        store.claimCooldown("fp-cool", ruleId, ts, COOLDOWN, decisionId);

      assert.equal(await claim(T0, "d1"), true);
      assert.equal(await claim(T0 + 5 * MINUTE, "d2"), false);
      assert.equal(await claim(T0 + MINUTE, "d1"), true);
      assert.equal(await claim(T0 + 5 * MINUTE, "d2", "odd-hour"), true);
      assert.equal(await claim(T0 + COOLDOWN - 1, "d3"), false);
      assert.equal(await claim(T0 + COOLDOWN, "d3"), true);
      assert.equal(await claim(T0 + 5 * MINUTE, "d4"), false);
      assert.equal(await claim(T0 + 2 * COOLDOWN, "d5"), true);
    });
  });

  test("cooldowns of different tokens are independent", async () => {
    await withStore(factory, {}, async (store) => {
      assert.equal(await store.claimCooldown("fp-one", "r", T0, COOLDOWN, "d1"), true);
      assert.equal(await store.claimCooldown("fp-two", "r", T0, COOLDOWN, "d2"), true);
      assert.equal(await store.claimCooldown("fp-one", "r", T0 + 1, COOLDOWN, "d3"), false);
    });
  });

  test("a revocation is claimed once: again by its decision, never by another", async () => {
    await withStore(factory, {}, async (store) => {
      assert.equal(await store.isRevoked("fp-revoke"), false);

      const first = await store.claimRevocation("fp-revoke", "decision-1", 24 * HOUR);
      const again = await store.claimRevocation("fp-revoke", "decision-1", 24 * HOUR);
      const other = await store.claimRevocation("fp-revoke", "decision-2", 24 * HOUR);

      assert.deepEqual(first, { granted: true, holder: "decision-1" });
      assert.deepEqual(again, { granted: true, holder: "decision-1" });
      assert.deepEqual(other, { granted: false, holder: "decision-1" });
      assert.equal(await store.isRevoked("fp-revoke"), true);
      assert.equal(await store.isRevoked("fp-not-revoked"), false);
    });
  });

  test("a delivered revocation is not granted again to the same decision", async () => {
    await withStore(factory, {}, async (store) => {
      await store.claimRevocation("fp-delivered", "decision-1", 24 * HOUR);
      await store.confirmRevocation("fp-delivered", "decision-2", T0);
      const pending = await store.claimRevocation("fp-delivered", "decision-1", 24 * HOUR);
      await store.confirmRevocation("fp-delivered", "decision-1", T0);
      const delivered = await store.claimRevocation("fp-delivered", "decision-1", 24 * HOUR);
      const other = await store.claimRevocation("fp-delivered", "decision-3", 24 * HOUR);

      assert.deepEqual(pending, { granted: true, holder: "decision-1" });
      assert.deepEqual(delivered, { granted: false, holder: "decision-1" });
      assert.deepEqual(other, { granted: false, holder: "decision-1" });
      assert.equal(await store.isRevoked("fp-delivered"), true);
    });
  });

  test("a withdrawn revocation clears the revoked mark; a new decision may revoke", async () => {
    await withStore(factory, {}, async (store) => {
      const fp = "fp-withdrawn";
      await store.observe(fp, [obs(T0)]);
      await store.claimRevocation(fp, "decision-1", 24 * HOUR);
      assert.equal(await store.confirmRevocation(fp, "decision-1", T0), true);

      const before = await store.withdrawRevocation(fp);
      const again = await store.withdrawRevocation(fp);
      const [after401] = await store.observe(fp, [obs(T0 + MINUTE, { status: 401 })]);
      const [after200] = await store.observe(fp, [obs(T0 + 2 * MINUTE, { status: 200 })]);
      const revokedAfterUndo = await store.isRevoked(fp);
      const redelivered = await store.claimRevocation(fp, "decision-1", 24 * HOUR);
      const later = await store.claimRevocation(fp, "decision-2", 24 * HOUR);

      assert.deepEqual(before, { claim: "delivered", holder: "decision-1", revokedAt: T0 });
      assert.deepEqual(again, { claim: "withdrawn", holder: "decision-1", revokedAt: null });
      assert.deepEqual(
        [after401?.revokedAt, after401?.afterRevocation, after401?.denied5m],
        [0, false, 1],
      );
      assert.equal(after200?.revokedAt, 0);
      assert.equal(revokedAfterUndo, false);
      assert.deepEqual(redelivered, { granted: false, holder: "decision-1" });
      assert.deepEqual(later, { granted: true, holder: "decision-2" });
      assert.equal(await store.isRevoked(fp), true);
      assert.deepEqual(await store.revocationStatus(fp), {
        claim: "pending",
        holder: "decision-2",
        revokedAt: null,
      });
    });
  });

  test("a revocation withdrawn while it was delivered is not confirmed", async () => {
    await withStore(factory, {}, async (store) => {
      // With state, so that a mark written despite the withdrawal would show.
      await store.observe("fp-racing", [obs(T0)]);
      await store.claimRevocation("fp-racing", "decision-1", 24 * HOUR);
      await store.withdrawRevocation("fp-racing");

      assert.equal(await store.confirmRevocation("fp-racing", "decision-1", T0), false);
      assert.deepEqual(await store.revocationStatus("fp-racing"), {
        claim: "withdrawn",
        holder: "decision-1",
        revokedAt: null,
      });
    });
  });

  test("a token never revoked has no revocation status; withdrawing changes nothing", async () => {
    await withStore(factory, {}, async (store) => {
      const none = { claim: "none", holder: null, revokedAt: null };

      assert.deepEqual(await store.revocationStatus("fp-never"), none);
      assert.deepEqual(await store.withdrawRevocation("fp-never"), none);
      assert.deepEqual(await store.revocationStatus("fp-never"), none);
    });
  });

  test("refuses event times, offsets, fingerprints and lifetimes it cannot store", async () => {
    await withStore(factory, {}, async (store) => {
      const refused = { code: "STATE_INVALID_INPUT", retriable: false };

      await assert.rejects(store.observe("fp", [obs(-1)]), refused);
      await assert.rejects(store.observe("fp", [obs(T0 + 0.5)]), refused);
      await assert.rejects(store.observe("fp", [obs(T0, { offset: 1.5 })]), refused);
      await assert.rejects(store.observe("a}b", [obs(T0)]), refused);
      await assert.rejects(store.observe("", [obs(T0)]), refused);
      await assert.rejects(store.claimRevocation("fp", "d", 0), refused);
      await assert.rejects(store.claimCooldown("fp", "r", Number.NaN, COOLDOWN, "d"), refused);
    });
  });

  test("a batch with one refused observation applies none of it", async () => {
    await withStore(factory, {}, async (store) => {
      await assert.rejects(
        store.observeMany([
          { tokenFp: "fp-first", observations: [obs(T0)] },
          { tokenFp: "fp-second", observations: [obs(-5)] },
        ]),
        { code: "STATE_INVALID_INPUT" },
      );

      const [stats] = await store.observe("fp-first", [obs(T0)]);
      assert.equal(stats?.totalRequests, 1);
    });
  });
}
