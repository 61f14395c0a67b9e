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
 * |            |        | `w0`…`w6` hour-of-week levels (24 hex digits per weekday),      |
 * |            |        | `wd` week of the last decay, `ha` last counted clock hour,      |
 * |            |        | `hc` active hours, the recency sets as `<set>:<member>` →       |
 * |            |        | last-seen event time: `n:<network>` (≤ `state.maxNetworks`),    |
 * |            |        | `u:<user-agent family>` (≤ `state.maxUserAgents`), `a:<asn>`    |
 * |            |        | and `c:<country>` (16 each), `ll` last location `lat,lon,km`    |
 * |            |        | and `lt` its time, `n1` / `n2` last and previous network,       |
 * |            |        | `bq` browser requests, `rv` event time of our revocation        |
 * | `P{F}:b`   | hash   | minute bucket (`floor(ts / 60000)`) → request count, last 61;   |
 * |            |        | `s<minute>` alternations and `d<minute>` 401/403, last 11       |
 * | `P{F}:c`   | hash   | rule id → `<event time>:<decision id>` of its last firing       |
 * | `P{F}:r`   | string | decision id holding the token's revocation, `:done` once        |
 * |            |        | delivered, `:withdrawn` once an operator took it back           |
 * | `Pe:{N}:H` | set    | fingerprints of tokens that used network `N` in hour `H`        |
 * |            |        | (at most 64; lives two hours) — shared-egress learning          |
 *
 * An active token has two keys (`c` and `r` appear only once a rule fires
 * or a revocation is claimed). Each key costs about 100 bytes of name,
 * object and dictionary entries before any content, so the design keeps
 * keys few: the recency sets share the meta hash instead of a sorted set
 * each, and the minute buckets have the other hash, because a token busy
 * in every minute would push one hash past Redis's compact (listpack)
 * encoding, whose limit is 128 entries of at most 64 bytes each. The meta
 * hash reaches that limit only when every recency set is full (64
 * networks, 16 agents, 16 ASNs and 16 countries); such a token's hash
 * turns into a larger hash table, which is correct, only bigger. Memory
 * per active token (design target 1 KB), measured with
 * `bench/state-memory.ts` on Redis 7.0 (100,000 tokens, each with 20
 * requests over an hour from 1–3 networks and 1–2 user agents, every
 * request with an ASN, a country and a location): about 837 bytes, of
 * which 752 are the two keys' `MEMORY USAGE` (meta 456, buckets 296); it
 * was 1,115 bytes with the networks and agents in two sorted sets.
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
  readonly cooldowns: string;
  readonly revocation: string;
}

/** The suffixes above, in the order of `TokenKeys`. */
export const KEY_SUFFIXES = ["m", "b", "c", "r"] as const;

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
      cooldowns: `${base}c`,
      revocation: `${base}r`,
    };
  }

  /** The keys `observe-2.lua` takes, in its `KEYS` order. */
  observeKeys(tokenFp: string): [string, string] {
    const base = this.tokenBase(tokenFp);
    return [`${base}m`, `${base}b`];
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
