import { MemoryTokenStateStore } from "../../src/state/memory-store.js";
import { tokenStateStoreContract } from "./contract/token-state-contract.js";
import { redisStoreUnderTest } from "./redis-fixture.js";

tokenStateStoreContract("redis store", (config) => redisStoreUnderTest(config));

tokenStateStoreContract("memory store", async (config) => {
  const store = new MemoryTokenStateStore(config);
  return { store, dispose: () => store.close() };
});
