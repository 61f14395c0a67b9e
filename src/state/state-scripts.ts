import { readFileSync } from "node:fs";
import type { Cluster, Redis } from "ioredis";

/**
 * The Lua scripts of the Redis store, registered as ioredis commands. Each
 * file is named after its command and key count (`n`: any); ioredis sends EVALSHA and
 * falls back to EVAL once per connection when the server lacks the script
 * (after a restart or failover), so nothing is loaded by hand.
 */

/** A client of either kind; both support `defineCommand` and pipelines. */
export type RedisClient = Redis | Cluster;

/** The reply of `claim-revocation-1.lua`; see its header. */
export type RevocationReply = [granted: number, holder: string] | number;

/** The reply of `withdraw-revocation-2.lua`; see its header. */
export type WithdrawReply = [claim: string, holder: string, revokedAt: string];

type Arg = string | number;

/** The commands `defineStateCommands` adds, as they are called. */
export interface StateCommands {
  /** `keyCount` first: the script takes a state and a revoked key per token. */
  twStoreStates(keyCount: number, ...keysThenArgs: Arg[]): Promise<number[] | number>;
  twStoreState(state: string, revoked: string, ...args: Arg[]): Promise<number[] | number>;
  twClaimCooldown(key: string, ...args: Arg[]): Promise<number>;
  twClaimRevocation(key: string, ...args: Arg[]): Promise<RevocationReply>;
  twConfirmRevocation(
    claim: string,
    state: string,
    revoked: string,
    ...args: Arg[]
  ): Promise<number>;
  twMarkRevoked(state: string, revoked: string, ...args: Arg[]): Promise<number>;
  twWithdrawRevocation(claimKey: string, revokedKey: string): Promise<WithdrawReply>;
  twSetAside(state: string, kept: string, ...args: Arg[]): Promise<number>;
  twObserveEgress(key: string, ...args: Arg[]): Promise<number>;
}

/**
 * What the store sends in bulk, on the client itself (a Cluster, where
 * auto-pipelining groups concurrent calls) or queued on a pipeline.
 */
export interface StateBulk {
  mget(...keys: string[]): unknown;
  twStoreStates(keyCount: number, ...keysThenArgs: Arg[]): unknown;
  twStoreState(state: string, revoked: string, ...args: Arg[]): unknown;
  twObserveEgress(key: string, ...args: Arg[]): unknown;
  twSetAside(state: string, kept: string, ...args: Arg[]): unknown;
}

/** The bulk commands queued on a pipeline (the replies arrive from `exec`). */
export interface StatePipeline extends StateBulk {
  exec(): Promise<[Error | null, unknown][] | null>;
}

const SCRIPTS = [
  // Any number of tokens on a single server, so the caller passes the key
  // count; one token on a Cluster, where ioredis routes a call by its keys.
  { command: "twStoreStates", file: "store-states-n.lua", keys: null },
  { command: "twStoreState", file: "store-states-n.lua", keys: 2 },
  { command: "twClaimCooldown", file: "claim-cooldown-1.lua", keys: 1 },
  { command: "twClaimRevocation", file: "claim-revocation-1.lua", keys: 1 },
  { command: "twConfirmRevocation", file: "confirm-revocation-3.lua", keys: 3 },
  { command: "twMarkRevoked", file: "mark-revoked-2.lua", keys: 2 },
  { command: "twWithdrawRevocation", file: "withdraw-revocation-2.lua", keys: 2 },
  { command: "twObserveEgress", file: "observe-egress-1.lua", keys: 1 },
  { command: "twSetAside", file: "set-aside-2.lua", keys: 2 },
] as const;

let sources: Map<string, string> | null = null;

// Read once per process: the files ship beside this module (the build copies
// src/state/lua to dist/state/lua).
function loadSources(): Map<string, string> {
  if (sources) return sources;

  const loaded = new Map<string, string>();
  for (const script of SCRIPTS) {
    const url = new URL(`./lua/${script.file}`, import.meta.url);
    loaded.set(script.command, readFileSync(url, "utf8"));
  }
  sources = loaded;
  return loaded;
}

/** Register the state scripts on a client and return it typed with them. */
export function defineStateCommands(client: RedisClient): RedisClient & StateCommands {
  const lua = loadSources();

  for (const script of SCRIPTS) {
    client.defineCommand(script.command, {
      ...(script.keys === null ? {} : { numberOfKeys: script.keys }),
      lua: lua.get(script.command) ?? "",
    });
  }
  return client as RedisClient & StateCommands;
}

/** Open a pipeline that knows the state commands. */
export function statePipeline(client: RedisClient): StatePipeline {
  return client.pipeline() as unknown as StatePipeline;
}
