import { Redis } from "ioredis";
import { DependencyError } from "../errors.js";
import type { RedisClient } from "./state-scripts.js";

/** Options of `connectRedis` that differ from one deployment to another. */
export interface RedisClientOptions {
  /** Give up connecting (and a single command) after this long. */
  readonly timeoutMs?: number;
  /** Shown in `CLIENT LIST`, to find tokenwatch among a server's clients. */
  readonly connectionName?: string;
  /**
   * Connection errors as they happen (e.g. to log them at `warn`). Commands
   * fail with `STATE_REDIS_UNAVAILABLE` regardless; without a listener
   * ioredis would print each error to the console.
   */
  readonly onError?: (err: Error) => void;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Connect to Redis from a URL (`redis://[user:pass@]host:port[/db]`,
 * `rediss://` for TLS, or a unix socket path) and resolve once the server
 * answers.
 *
 * The options favour failing fast over waiting: the consumer retries a whole
 * batch after backoff and commits nothing until state is written, so a
 * command queued for minutes behind a dead connection would only delay that.
 * - `enableOfflineQueue: false`: while disconnected, commands fail at once.
 * - `maxRetriesPerRequest: 1`: a command in flight when the connection drops
 *   is resent once after reconnecting, then fails.
 * - `commandTimeout`: a server that stops answering fails the command.
 * Reconnection itself goes on in the background with capped backoff.
 */
export async function connectRedis(url: string, options: RedisClientOptions = {}): Promise<Redis> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    connectionName: options.connectionName ?? "tokenwatch",
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
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

/** Whether the client has a ready connection (cheap, for `/readyz`). */
export function isRedisReady(client: RedisClient): boolean {
  return client.status === "ready";
}

/** Round-trip a PING; false instead of throwing, for `/readyz`. */
export async function pingRedis(client: RedisClient): Promise<boolean> {
  try {
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
