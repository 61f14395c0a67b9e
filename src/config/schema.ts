import { z } from "zod";

/**
 * The configuration schema. Every option has a default that works against the
 * local services (`scripts/services.sh`), so an empty file is a valid config.
 * Unknown keys are errors: a typo must not silently fall back to a default.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const durationMs = z.number().int().nonnegative();

const kafkaSchema = z
  .strictObject({
    brokers: z.array(z.string().min(1)).min(1).default(["127.0.0.1:9092"]),
    clientId: z.string().min(1).default("tokenwatch"),
    groupId: z.string().min(1).default("tokenwatch"),
    topics: z.array(z.string().min(1)).min(1).default(["gateway-logs"]),
    /** Start from the earliest offset when the group has no committed offset. */
    fromBeginning: z.boolean().default(true),
    alertsTopic: z.string().min(1).default("tokenwatch-alerts"),
    revocationsTopic: z.string().min(1).default("tokenwatch-revocations"),
    deadLetterTopic: z.string().min(1).default("tokenwatch-dead-letter"),
    /** Per-topic forced format, e.g. `{ kong-logs: kong }`; others are auto-detected. */
    formats: z.record(z.string(), z.string()).default({}),
  })
  .prefault({});

const redisSchema = z
  .strictObject({
    url: z.string().min(1).default("redis://127.0.0.1:6379"),
    /** Prefix of every key; the token's hash tag follows it. */
    keyPrefix: z.string().default("tw:"),
  })
  .prefault({});

const identitySchema = z
  .strictObject({
    /**
     * HMAC key for token fingerprints. Also read from TOKENWATCH_FINGERPRINT_KEY.
     * `null` falls back to a development key with a loud warning.
     */
    fingerprintKey: z.string().min(16).nullable().default(null),
    /** Query parameters whose values are credentials. */
    queryParams: z
      .array(z.string().min(1))
      .default(["access_token", "token", "apikey", "api_key", "key", "jwt"]),
    /** Request headers whose values are credentials (besides `authorization`). */
    apiKeyHeaders: z.array(z.string().min(1)).default(["apikey", "x-api-key"]),
    /** Cookies whose values are credentials. */
    cookies: z.array(z.string().min(1)).default([]),
    /**
     * Which identity keys the per-token state when several are present:
     * the first that the event has wins.
     */
    precedence: z
      .array(z.enum(["token", "jti", "credential", "consumer"]))
      .min(1)
      .default(["token", "credential", "consumer"]),
    /** IPv6 clients are counted by this prefix length (privacy addresses rotate below it). */
    ipv6PrefixLength: z.number().int().min(32).max(128).default(64),
  })
  .prefault({});

const inputSchema = z
  .strictObject({
    /** Messages larger than this are rejected as `oversized`. */
    maxMessageBytes: z.number().int().positive().default(1_048_576),
    /** JSON nested deeper than this is rejected as `too_deep`. */
    maxDepth: z.number().int().positive().default(32),
    /** Events further in the future than this (vs. wall clock) are rejected. */
    maxFutureMs: durationMs.default(HOUR),
    /** Events older than this (vs. wall clock) are rejected; 0 disables the check (replay). */
    maxAgeMs: durationMs.default(0),
    /**
     * Per format, which of your log's fields holds each field the parser
     * reads, for operator-defined layouts: `{ nginx: { remote_addr: client } }`.
     */
    fieldMaps: z.record(z.string(), z.record(z.string(), z.string().min(1))).default({}),
  })
  .prefault({});

const stateSchema = z
  .strictObject({
    backend: z.enum(["redis", "memory"]).default("redis"),
    /** How long a token's state lives after its last request. */
    ttlMs: durationMs.default(7 * DAY),
    /** At most this many distinct networks / user agents are remembered per token. */
    maxNetworks: z.number().int().min(2).max(1000).default(64),
    maxUserAgents: z.number().int().min(2).max(1000).default(16),
  })
  .prefault({});

const rulesSchema = z
  .strictObject({
    dir: z.string().min(1).default("rules"),
  })
  .prefault({});

const policySchema = z
  .strictObject({
    /** Global shadow switch: decisions are computed, counted and logged; nothing is revoked. */
    dryRun: z.boolean().default(false),
    /** Findings for one event add up to a risk score; at or above this it revokes. */
    revokeScore: z.number().min(0).max(1000).default(80),
    /** Revocation claims live at least this long when the token's expiry is unknown. */
    revocationTtlMs: durationMs.default(30 * DAY),
  })
  .prefault({});

const serverSchema = z
  .strictObject({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(9464),
  })
  .prefault({});

const logSchema = z
  .strictObject({
    level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    kafka: kafkaSchema,
    redis: redisSchema,
    identity: identitySchema,
    input: inputSchema,
    state: stateSchema,
    rules: rulesSchema,
    policy: policySchema,
    server: serverSchema,
    log: logSchema,
  })
  .prefault({});

/** The validated, defaulted configuration (frozen after loading). */
export type Config = z.infer<typeof configSchema>;
export type IdentityConfig = Config["identity"];
export type InputConfig = Config["input"];
export type StateConfig = Config["state"];
