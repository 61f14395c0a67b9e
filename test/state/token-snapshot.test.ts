import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  decodeSnapshot,
  encodeSnapshot,
  nextVersion,
  snapshotVersion,
} from "../../src/state/token-snapshot.js";
import { TokenState } from "../../src/state/token-state.js";
import { DEFAULT_CONFIG, HOUR, MINUTE, obs, T0 } from "./contract/contract-support.js";

/** A state with something in every part: sets, hours, alternations, 401s, offsets, a location. */
function busyState(): TokenState {
  const state = new TokenState(DEFAULT_CONFIG);
  const networks = ["192.0.2.10", "198.51.100.7", "192.0.2.10", "2001:db8::/48"];
  for (const [i, network] of networks.entries()) {
    state.observe(
      obs(T0 + i * 7 * MINUTE, {
        network,
        userAgent: i % 2 ? "Chrome/Mac OS/desktop" : "curl",
        status: i === 3 ? 401 : 200,
        offset: 100 + i,
        partitionKey: `logs/${i % 2}`,
        asn: 64496 + i,
        country: i === 3 ? "FR" : "DE",
        location: { lat: 52.52, lon: 13.405, radiusKm: 20 },
        browser: i % 2 === 1,
      }),
    );
  }
  state.observe(obs(T0 + 2 * HOUR + 5 * MINUTE, { offset: 200 }));
  return state;
}

describe("token snapshot", () => {
  test("a decoded snapshot gives back the state it was encoded from", () => {
    const state = busyState();
    const text = encodeSnapshot(7, state.snapshot());
    const { version, state: decoded } = decodeSnapshot(text);

    assert.equal(version, 7);
    assert.equal(snapshotVersion(text), 7);
    // Minutes no window reaches any more are not stored; everything else is.
    const { buckets, denied, ...rest } = state.snapshot();
    const { buckets: keptBuckets, denied: keptDenied, ...decodedRest } = decoded;
    assert.deepEqual(decodedRest, rest);
    const newestMinute = Math.floor((T0 + 2 * HOUR + 5 * MINUTE) / MINUTE);
    assert.deepEqual(
      keptBuckets,
      buckets.filter(([minute]) => minute >= newestMinute - 60),
    );
    assert.ok(buckets.length > keptBuckets.length);
    // The only 401 was 104 minutes before the newest request: no window counts it.
    assert.equal(denied.length, 1);
    assert.deepEqual(keptDenied, []);

    // The restored state answers the next observation as the original does.
    const next = obs(T0 + 2 * HOUR + 6 * MINUTE, { offset: 201, network: "198.51.100.7" });
    assert.deepEqual(
      TokenState.restore(DEFAULT_CONFIG, decoded).observe(next),
      state.observe(next),
    );
  });

  test("refuses text that is not a snapshot, without echoing it", () => {
    const planted = "planted-secret-value";
    const garbled = [
      "not json",
      `{"token":"${planted}"}`,
      "[1,2,3]",
      encodeSnapshot(1, busyState().snapshot()).replace(/^\[1,/, '["1",'),
      // Valid JSON whose version the write script reads differently, or not at all.
      encodeSnapshot(1, busyState().snapshot()).replace(/^\[1,/, "[ 1,"),
      encodeSnapshot(1, busyState().snapshot()).replace(/^\[1,/, "[1.0,"),
      encodeSnapshot(1, busyState().snapshot()).replace(/^\[1,/, "[9007199254740993,"),
      encodeSnapshot(1, busyState().snapshot()).replace(/,\d+\]$/, `,"${planted}"]`),
    ];
    for (const text of garbled) {
      assert.throws(
        () => decodeSnapshot(text),
        (err: Error & { code?: string; retriable?: boolean }) =>
          err.code === "STATE_SNAPSHOT_GARBLED" &&
          err.retriable !== true &&
          !err.message.includes(planted),
        text,
      );
    }
    assert.throws(() => snapshotVersion("{}"), { code: "STATE_SNAPSHOT_GARBLED" });
  });

  test("the version wraps before it could stop being an exact integer", () => {
    assert.equal(nextVersion(41), 42);
    const last = 999_999_999_999_999;
    assert.equal(nextVersion(last), 1);
    const text = encodeSnapshot(last, busyState().snapshot());
    assert.equal(decodeSnapshot(text).version, last);
  });

  test("a token without any request is never encoded", () => {
    assert.throws(() => encodeSnapshot(1, new TokenState(DEFAULT_CONFIG).snapshot()), {
      code: "STATE_SNAPSHOT_GARBLED",
    });
  });
});
