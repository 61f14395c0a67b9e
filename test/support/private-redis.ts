import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";

/**
 * A Redis server of the test's own, on a free loopback port, that the test may
 * stop and start without touching the shared Redis other tests use.
 *
 * It never snapshots on its own (`--save ""`, no AOF). `stop()` shuts it down
 * with an explicit `SHUTDOWN SAVE` into its private directory, and `start()`
 * loads that snapshot: an outage, not a loss of the data set. `kill()` is the
 * hard stop for clean-up.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), "tw-redis-"));

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A client for the test's own reads; the caller disconnects it. */
  client(): Redis {
    return new Redis(this.url, { maxRetriesPerRequest: 1, lazyConnect: false });
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        this.dir,
      ],
      { stdio: "ignore" },
    );
    this.child = child;
    let failure: Error | null = null;
    child.once("error", (err) => {
      failure = new Error(`cannot run redis-server (${err.message}); install it`);
    });
    await waitUntil(
      async () => {
        if (failure) throw failure;
        return ping(this.url);
      },
      10_000,
      `redis on port ${this.port} did not start`,
    );
  }

  /** Save the data set and stop; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const admin = new Redis(this.url, { maxRetriesPerRequest: 0 });
    // The server closes the connection as it exits, so the reply never comes.
    await admin.call("SHUTDOWN", "SAVE").catch(() => undefined);
    admin.disconnect();
    await exited;
    this.child = null;
  }

  /** Kill the server and remove its directory (clean-up, also after a failure). */
  async kill(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
    this.child = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Poll `check` every 100 ms until it holds; throw `message` after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
