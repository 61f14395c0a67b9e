import { ConfigError } from "../errors.js";
import { checkTokenFp } from "./state-input.js";

/**
 * Every Redis key tokenwatch writes is built here.
 *
 * Layout, for key prefix `P` (config `redis.keyPrefix`, default `tw:`) and
 * token fingerprint `F`:
 *
 * | Key        | Type   | Contents                                                        |
 * |------------|--------|-----------------------------------------------------------------|
 * | `P{F}:m`   | hash   | `f` first seen, `l` newest event time, `t` total requests,      |
 * |            |        | `o:<partitionKey>` highest applied offset of that partition,    |
 * |            |        | `h0`…`h23` requests in that UTC hour of day                     |
 * | `P{F}:b`   | hash   | minute bucket (`floor(ts / 60000)`) → request count, last 61    |
 * | `P{F}:n`   | zset   | client network → last-seen event time (ms)                      |
 * | `P{F}:u`   | zset   | user-agent family → last-seen event time (ms)                   |
 * | `P{F}:c`   | hash   | rule id → `<event time>:<decision id>` of its last firing       |
 * | `P{F}:r`   | string | decision id holding the token's one revocation                  |
 *
 * An active token has four keys (`c` and `r` appear only once a rule fires
 * or a revocation is claimed). Memory per active token, the design target
 * being 1 KB, measured with `bench/state-memory.ts` on Redis 7.0 (20 requests
 * over an hour from 1–3 networks and 1–2 user agents): about 920 bytes, of
 * which 672 are the four keys' `MEMORY USAGE` and the rest their entries in
 * the main and expires dictionaries. A token busy in every minute of the hour
 * reaches about 1,190 bytes (the bucket hash grows to ~520). The hour-of-day
 * counters live in the meta hash because a key of their own costs ~120 bytes
 * before any content; apart, they measured 1,030–1,045 bytes per token.
 *
 * The braces are a Redis Cluster hash tag: only `F` is hashed, so all keys of
 * one token live in one slot and a script may touch them together. The
 * prefix therefore must not contain braces of its own.
 *
 * Every key carries a TTL: the observation keys `state.ttlMs` after the last
 * applied observation, `c` the longer of that and the cooldown, `r` the
 * revocation's own lifetime. Redis TTLs run on wall-clock time while the
 * windows run on event time; a replay faster than real time keeps state
 * longer than the event-time TTL would, never shorter.
 */
export interface TokenKeys {
  readonly meta: string;
  readonly buckets: string;
  readonly networks: string;
  readonly userAgents: string;
  readonly cooldowns: string;
  readonly revocation: string;
}

/** The suffixes above, in the order of `TokenKeys`. */
export const KEY_SUFFIXES = ["m", "b", "n", "u", "c", "r"] as const;

/** Builds the keys of tokens under one prefix. */
export class StateKeys {
  readonly prefix: string;

  constructor(prefix: string) {
    if (prefix.includes("{") || prefix.includes("}")) {
      throw new ConfigError(
        `redis.keyPrefix "${prefix}" contains a brace; remove it — ` +
          "the token fingerprint is the key's Redis Cluster hash tag",
      );
    }
    this.prefix = prefix;
  }

  /** The common start of every key of one token: `P{F}:`. */
  tokenBase(tokenFp: string): string {
    checkTokenFp(tokenFp);
    return `${this.prefix}{${tokenFp}}:`;
  }

  /** All keys of one token. */
  forToken(tokenFp: string): TokenKeys {
    const base = this.tokenBase(tokenFp);
    return {
      meta: `${base}m`,
      buckets: `${base}b`,
      networks: `${base}n`,
      userAgents: `${base}u`,
      cooldowns: `${base}c`,
      revocation: `${base}r`,
    };
  }

  /** The keys `observe-4.lua` takes, in its `KEYS` order. */
  observeKeys(tokenFp: string): [string, string, string, string] {
    const base = this.tokenBase(tokenFp);
    return [`${base}m`, `${base}b`, `${base}n`, `${base}u`];
  }

  /** A SCAN `MATCH` pattern for every key under this prefix. */
  scanPattern(): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  }
}
