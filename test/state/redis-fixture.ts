import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { StateConfig } from "../../src/config/schema.js";
import { connectRedis } from "../../src/state/redis-client.js";
import { RedisTokenStateStore } from "../../src/state/redis-store.js";
import { deleteKeys } from "../support/secrets.js";
import type { StoreUnderTest } from "./contract/token-state-contract.js";

/** The Redis the tests use (a real server; never a mock). */
export const REDIS_URL = process.env.TOKENWATCH_TEST_REDIS ?? "redis://127.0.0.1:6379";

/** A key prefix no other test run shares. */
export function uniquePrefix(): string {
  return `twtest:${process.pid}-${randomBytes(4).toString("hex")}:`;
}

/** A Redis store on its own connection and prefix, whose disposal deletes its keys. */
export async function redisStoreUnderTest(
  config: StateConfig,
  prefix = uniquePrefix(),
): Promise<StoreUnderTest & { client: Redis; prefix: string }> {
  const client = await connectRedis(REDIS_URL, { connectionName: "tokenwatch-test" });
  const store = new RedisTokenStateStore(client, config, prefix, { quitOnClose: false });

  return {
    store,
    client,
    prefix,
    async dispose() {
      await deleteKeys(client, prefix);
      await store.close();
      await client.quit();
    },
  };
}
