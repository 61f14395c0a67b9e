import assert from "node:assert/strict";
import { test } from "node:test";
import { Geography, NETWORKS } from "../../src/simulate/geography.js";
import { Prng } from "../../src/simulate/prng.js";
import { GEO, testGeography } from "./support.js";

test("each catalogued network yields addresses the database puts in its ASN and country", () => {
  const geography = testGeography();
  for (const network of NETWORKS) {
    const rng = Prng.derive(11, network.name);
    for (const ip of geography.pool(network, 3, rng)) {
      const facts = GEO.lookup(ip);
      assert.deepEqual(
        { asn: facts.asn, country: facts.country },
        { asn: network.asn, country: network.country },
        `${network.name} gave ${ip}`,
      );
    }
  }
});

test("the same seed draws the same addresses", () => {
  const network = Geography.network("telekom-de");
  const a = testGeography().pool(network, 5, Prng.derive(3, "pool"));
  const b = testGeography().pool(network, 5, Prng.derive(3, "pool"));
  assert.deepEqual(a, b);
  assert.equal(new Set(a).size, 5);
});

test("an unknown network name is refused", () => {
  assert.throws(() => Geography.network("nowhere-net"), /no simulated network named nowhere-net/);
});
