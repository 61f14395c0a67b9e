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
 * | `P{F}:s`   | string | the token's state, a JSON snapshot led by its write version     |
 * |            |        | (token-snapshot.ts): first seen, newest event time, total,      |
 * |            |        | minute request buckets of the last hour, the recency sets       |
 * |            |        | (networks ≤ `state.maxNetworks`, user-agent families ≤          |
 * |            |        | `state.maxUserAgents`, ASNs and countries ≤ 16) with last-seen  |
 * |            |        | times, the hour-of-week profile, alternation and 401/403        |
 * |            |        | counts of the last minutes, the highest applied offset per      |
 * |            |        | partition, the last two networks, last location, browser count  |
 * | `P{F}:v`   | string | event time of our revocation of the token (only once revoked)   |
 * | `P{F}:c`   | hash   | rule id → `<event time>:<decision id>` of its last firing       |
 * | `P{F}:r`   | string | decision id holding the token's revocation, `:done` once        |
 * |            |        | delivered, `:withdrawn` once an operator took it back           |
 * | `Pe:{N}:H` | set    | fingerprints of tokens that used network `N` in hour `H`        |
 * |            |        | (at most 64; lives two hours) — shared-egress learning          |
 *
 * An active token has one key; `v`, `c` and `r` appear only once it is
 * revoked, a rule fires or a revocation is claimed. A state that cannot be
 * read is kept aside as `P{F}:s:unreadable` (any type, state TTL) and the
 * token starts afresh. The store reads `s` and
 * `v` for a whole batch in one round trip, applies each token's
 * observations in Node (token-state.ts, the code the embedded store runs)
 * and writes `s` back with a compare-and-set on its version and on `v`
 * (store-state-2.lua), so a token's update stays atomic when several
 * processes share it, and Redis does a GET and a SET per token and batch
 * instead of running the windows' logic in Lua. One key per token also
 * keeps memory down, since each key costs about 100 bytes of name, object
 * and dictionary entries before any content. Memory per active token
 * (design target 1 KB), measured with `bench/state-memory.ts` on Redis 7.0
 * (100,000 tokens, each with 20 requests over an hour from 1–3 networks
 * and 1–2 user agents, every request with an ASN, a country and a
 * location): about 514 bytes, of which 456 are the key's `MEMORY USAGE`
 * (1,115 bytes with the four keys of the earlier hash-and-sorted-set
 * layout).
 *
 * The braces are a Redis Cluster hash tag: only `F` is hashed, so all keys of
 * one token live in one slot and a script may touch them together. The
 * prefix therefore must not contain braces of its own.
 *
 * Every key carries a TTL: `s` and `v` `state.ttlMs` after the last
 * applied observation, `c` the longer of that and the cooldown, `r` the
 * revocation's own lifetime. Redis TTLs run on wall-clock time while the
 * windows run on event time; a replay faster than real time keeps state
 * longer than the event-time TTL would, never shorter.
 */
export interface TokenKeys {
  readonly state: string;
  readonly revoked: string;
  readonly cooldowns: string;
  readonly revocation: string;
}

/** The suffixes above, in the order of `TokenKeys`. */
export const KEY_SUFFIXES = ["s", "v", "c", "r"] as const;

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
      state: `${base}s`,
      revoked: `${base}v`,
      cooldowns: `${base}c`,
      revocation: `${base}r`,
    };
  }

  /** Where a token's unreadable state is kept aside (set-aside-2.lua); same slot as the token. */
  keptAside(tokenFp: string): string {
    return `${this.forToken(tokenFp).state}:unreadable`;
  }

  /** The shared-egress set of one network and hour; the network is its hash tag. */
  egress(network: string, hour: number): string {
    return `${this.prefix}e:{${network.replace(/[{}]/g, "")}}:${hour}`;
  }

  /** A SCAN `MATCH` pattern for every key under this prefix. */
  scanPattern(): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  }
}
