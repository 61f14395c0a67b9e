import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Cluster, Redis } from "ioredis";
import { waitUntil } from "./private-redis.js";

const run = promisify(execFile);

/** Redis Cluster talks node to node on the client port plus this (the cluster bus). */
const BUS_OFFSET = 10_000;
/** Client ports are drawn from here, so that port + BUS_OFFSET stays below 65536. */
const PORT_RANGE = { low: 20_000, high: 29_999 };
const START_TIMEOUT_MS = 20_000;

/**
 * A Redis Cluster of the test's own: three masters, no replicas, each a
 * `redis-server --cluster-enabled yes` on free loopback ports with its own
 * temporary directory, joined by `redis-cli --cluster create`. Nothing is
 * persisted. `kill()` stops every process and removes the directories; call
 * it from `after()` so a failed test still cleans up.
 */
export class LocalCluster {
  private readonly children: ChildProcess[] = [];
  private readonly dirs: string[] = [];

  private constructor(readonly ports: readonly number[]) {}

  /** Start three masters, create the cluster and wait for `cluster_state:ok`. */
  static async start(masters = 3): Promise<LocalCluster> {
    const cluster = new LocalCluster(await freeClusterPorts(masters));
    try {
      await cluster.boot();
    } catch (err) {
      await cluster.kill();
      throw err;
    }
    return cluster;
  }

  /** Seed nodes as `host:port`, the form `redis.cluster.nodes` takes. */
  get nodes(): string[] {
    return this.ports.map((port) => `127.0.0.1:${port}`);
  }

  /** A cluster client for the test's own reads and clean-up; the caller disconnects it. */
  async client(): Promise<Cluster> {
    const client = new Cluster(
      this.ports.map((port) => ({ host: "127.0.0.1", port })),
      { lazyConnect: true, redisOptions: { maxRetriesPerRequest: 1 } },
    );
    client.on("error", () => undefined);
    await client.connect();
    return client;
  }

  /** Kill every server and remove the directories (also after a failure). */
  async kill(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }),
    );
    this.children.length = 0;
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.length = 0;
  }

  private async boot(): Promise<void> {
    for (const port of this.ports) this.spawnNode(port);
    for (const port of this.ports) {
      await waitUntil(() => answers(port), START_TIMEOUT_MS, `redis on ${port} did not start`);
    }

    // Splits the 16,384 slots evenly over the masters and joins them.
    await run(
      "redis-cli",
      ["--cluster", "create", ...this.nodes, "--cluster-replicas", "0", "--cluster-yes"],
      { timeout: START_TIMEOUT_MS },
    );
    for (const port of this.ports) {
      await waitUntil(() => clusterOk(port), START_TIMEOUT_MS, `cluster on ${port} is not ok`);
    }
  }

  private spawnNode(port: number): void {
    const dir = mkdtempSync(join(tmpdir(), "tw-cluster-"));
    this.dirs.push(dir);
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        join(dir, "nodes.conf"),
        "--cluster-node-timeout",
        "5000",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
      ],
      { stdio: "ignore" },
    );
    child.once("error", () => undefined);
    this.children.push(child);
  }
}

/** `count` client ports whose bus ports (port + 10000) are free as well. */
async function freeClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count && attempt < 200; attempt++) {
    const port = PORT_RANGE.low + Math.floor(Math.random() * (PORT_RANGE.high - PORT_RANGE.low));
    if (ports.includes(port)) continue;
    if ((await isFree(port)) && (await isFree(port + BUS_OFFSET))) ports.push(port);
  }
  if (ports.length < count) throw new Error("no free loopback ports for a local redis cluster");
  return ports;
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function withNode<T>(port: number, fallback: T, read: (node: Redis) => Promise<T>) {
  const node = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  node.on("error", () => undefined);
  try {
    await node.connect();
    return await read(node);
  } catch {
    return fallback;
  } finally {
    node.disconnect();
  }
}

function answers(port: number): Promise<boolean> {
  return withNode(port, false, async (node) => (await node.ping()) === "PONG");
}

function clusterOk(port: number): Promise<boolean> {
  return withNode(port, false, async (node) => {
    const info = String(await node.call("CLUSTER", "INFO"));
    return info.includes("cluster_state:ok");
  });
}
