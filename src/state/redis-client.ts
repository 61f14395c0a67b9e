import { Cluster, type ClusterNode, Redis, type RedisOptions } from "ioredis";
import { DependencyError } from "../errors.js";
import type { RedisClient } from "./state-scripts.js";

/** Options of `connectRedis` that differ from one deployment to another. */
export interface RedisClientOptions {
  /** Give up connecting (and a single command) after this long. */
  readonly timeoutMs?: number;
  /** Shown in `CLIENT LIST`, to find tokenwatch among a server's clients. */
  readonly connectionName?: string;
  /** Credentials and TLS for every node of a cluster (see `nodeSecurityFromUrl`). */
  readonly nodeSecurity?: NodeSecurity;
  /**
   * Connection errors as they happen (e.g. to log them at `warn`). Commands
   * fail with `STATE_REDIS_UNAVAILABLE` regardless; without a listener
   * ioredis would print each error to the console.
   */
  readonly onError?: (err: Error) => void;
}

/** Where Redis is: the `redis` section of the configuration, or the part of it this needs. */
export interface RedisTarget {
  /** The standalone server; with a cluster, only its credentials and scheme are used. */
  readonly url: string;
  /** Seed nodes of a Redis Cluster; empty means the standalone server at `url`. */
  readonly cluster?: { readonly nodes: readonly string[] };
}

/** How to authenticate to and encrypt the connection to each cluster node. */
export interface NodeSecurity {
  readonly username?: string;
  readonly password?: string;
  readonly tls?: boolean;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Connect to what the configuration names: a Redis Cluster when
 * `redis.cluster.nodes` lists seed nodes, otherwise the server at
 * `redis.url`. Every CLI command builds its connection through here.
 */
export async function connectConfiguredRedis(
  target: RedisTarget,
  options: RedisClientOptions = {},
): Promise<RedisClient> {
  const nodes = target.cluster?.nodes ?? [];
  if (nodes.length > 0) {
    return connectCluster(nodes, { ...options, nodeSecurity: nodeSecurityFromUrl(target.url) });
  }
  return connectRedis(target.url, options);
}

/**
 * Credentials and TLS for cluster nodes, read from `redis.url`: the nodes
 * are listed as bare `host:port`, and every node of one cluster takes the
 * same ACL user and password, so `rediss://user:pass@any-host` in
 * `redis.url` says how to talk to all of them (its host is not used).
 */
export function nodeSecurityFromUrl(url: string): NodeSecurity {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: true } : {}),
  };
}

/**
 * The options both kinds of client share. They favour failing fast over
 * waiting: the consumer retries a whole batch after backoff and commits
 * nothing until state is written, so a command queued for minutes behind a
 * dead connection would only delay that.
 * - `enableOfflineQueue: false`: while disconnected, commands fail at once.
 * - `maxRetriesPerRequest: 1`: a command in flight when the connection drops
 *   is resent once after reconnecting, then fails.
 * - `commandTimeout`: a server that stops answering fails the command.
 */
function failFastOptions(options: RedisClientOptions): RedisOptions {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    connectionName: options.connectionName ?? "tokenwatch",
  };
}

/** Reconnection goes on in the background with capped backoff. */
function backoff(attempt: number): number {
  return Math.min(attempt * 200, 2_000);
}

/**
 * Connect to Redis from a URL (`redis://[user:pass@]host:port[/db]`,
 * `rediss://` for TLS, or a unix socket path) and resolve once the server
 * answers. See `failFastOptions` for why commands fail rather than wait.
 */
export async function connectRedis(url: string, options: RedisClientOptions = {}): Promise<Redis> {
  const client = new Redis(url, { ...failFastOptions(options), retryStrategy: backoff });
  client.on("error", options.onError ?? (() => {}));

  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new DependencyError(
      "STATE_REDIS_UNAVAILABLE",
      `cannot connect to redis at ${redactUrl(url)}; check redis.url and that the server runs`,
      { cause: err },
    );
  }
  return client;
}

/**
 * Connect to a Redis Cluster from seed nodes (`host:port`) and resolve once
 * the slot map is loaded and every master is reachable.
 *
 * Cluster invariants the rest of the code relies on:
 * - every command is routed by the slot of its first key; a multi-key
 *   command or script must keep all its keys in one slot (hash tags `{…}`,
 *   see `state-keys.ts`), or Redis answers CROSSSLOT;
 * - `enableAutoPipelining` queues the commands issued in one tick and sends
 *   them as one pipeline per node, so a batch of per-token script calls
 *   still costs one round trip per master, not one per token;
 * - scripts registered with `defineCommand` are sent as EVALSHA to whichever
 *   node owns the slot, falling back to EVAL on NOSCRIPT, so each master
 *   learns them on first use — also after a failover or resharding.
 * The fail-fast options apply to every node connection (`redisOptions`);
 * the offline queue is off for the cluster too, so a command while the
 * slot map is being refreshed fails and the batch is retried.
 */
export async function connectCluster(
  nodes: readonly string[],
  options: RedisClientOptions = {},
): Promise<Cluster> {
  const { lazyConnect, enableOfflineQueue, ...nodeOptions } = failFastOptions(options);
  const security = options.nodeSecurity ?? {};
  const cluster = new Cluster(nodes.map(parseNode), {
    lazyConnect,
    enableOfflineQueue,
    enableAutoPipelining: true,
    enableReadyCheck: true,
    clusterRetryStrategy: backoff,
    slotsRefreshTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redisOptions: {
      ...nodeOptions,
      ...(security.username ? { username: security.username } : {}),
      ...(security.password ? { password: security.password } : {}),
      ...(security.tls ? { tls: {} } : {}),
    },
  });
  cluster.on("error", options.onError ?? (() => {}));

  try {
    await cluster.connect();
  } catch (err) {
    cluster.disconnect();
    throw new DependencyError(
      "STATE_REDIS_UNAVAILABLE",
      `cannot connect to the redis cluster at ${nodes.join(", ")}; ` +
        "check redis.cluster.nodes and that CLUSTER INFO says cluster_state:ok",
      { cause: err },
    );
  }
  return cluster;
}

/** `host:port` (validated by the config schema) as an ioredis cluster node. */
function parseNode(node: string): ClusterNode {
  const at = node.lastIndexOf(":");
  const host = node.slice(0, at).replace(/^\[|\]$/g, "");
  return { host, port: Number(node.slice(at + 1)) };
}

/** Whether the client has a ready connection (cheap, for `/readyz`). */
export function isRedisReady(client: RedisClient): boolean {
  return client.status === "ready";
}

/**
 * Round-trip a PING; false instead of throwing, for `/readyz`. On a Cluster
 * every master must answer: a token's state may live on any of them.
 */
export async function pingRedis(client: RedisClient): Promise<boolean> {
  try {
    if (client instanceof Cluster) {
      const masters = client.nodes("master");
      if (masters.length === 0) return false;
      const replies = await Promise.all(masters.map((node) => node.ping()));
      return replies.every((reply) => reply === "PONG");
    }
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  if (url.startsWith("/")) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable redis.url)";
  }
}
