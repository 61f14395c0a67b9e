import { describe } from "node:test";
import { claimContract } from "./contract-claims.js";
import { egressContract } from "./contract-egress.js";
import { idempotencyContract } from "./contract-idempotency.js";
import { distinctSetContract } from "./contract-sets.js";
import { placeContract, signalContract } from "./contract-signals.js";
import type { StoreFactory } from "./contract-support.js";
import { requestWindowContract } from "./contract-windows.js";

export type { StoreFactory, StoreUnderTest } from "./contract-support.js";

/**
 * The behaviour every `TokenStateStore` must have, as one suite run against
 * each implementation: identical inputs, identical answers.
 */
export function tokenStateStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name}: request windows`, () => requestWindowContract(factory));
  describe(`${name}: networks and user agents`, () => distinctSetContract(factory));
  describe(`${name}: redelivery and batching`, () => idempotencyContract(factory));
  describe(`${name}: claims and input checks`, () => claimContract(factory));
  describe(`${name}: hours, alternations, denials, revocation`, () => signalContract(factory));
  describe(`${name}: ASNs, countries, locations`, () => placeContract(factory));
  describe(`${name}: shared egress`, () => egressContract(factory));
}
