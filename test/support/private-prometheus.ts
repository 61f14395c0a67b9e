import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "./free-port.js";

/** How to get the binaries on the project's machines; `.ci/run` does the same. */
export const PROMETHEUS_INSTALL = "apt-get update && apt-get install -y prometheus";

/**
 * The path of `prometheus` or `promtool`, or an error that says how to install
 * it: a deploy check that silently does not run proves nothing.
 */
export function requireBinary(name: "prometheus" | "promtool"): string {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`${name} is missing; install Debian's package with: ${PROMETHEUS_INSTALL}`);
  }
}

/** A Prometheus server of our own, in a temporary directory, on a free port. */
export interface PrivatePrometheus {
  /** Base URL of its HTTP API, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** Everything it logged, for failure messages. */
  output(): string;
  /** Stop it and delete its directory (configuration and TSDB). */
  stop(): Promise<void>;
}

/**
 * Start `prometheus` scraping `target` (host:port) as job "tokenwatch" every
 * `scrapeSeconds`, evaluating `ruleFiles` as often, and wait until its API
 * answers. The job name matches deploy/prometheus/prometheus.yml, which the
 * `up{job="tokenwatch"}` alert depends on.
 */
export async function startPrometheus(options: {
  target: string;
  ruleFiles: string[];
  scrapeSeconds: number;
}): Promise<PrivatePrometheus> {
  const binary = requireBinary("prometheus");
  const dir = mkdtempSync(join(tmpdir(), "tokenwatch-prometheus-"));
  const interval = `${options.scrapeSeconds}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: options.ruleFiles,
    scrape_configs: [{ job_name: "tokenwatch", static_configs: [{ targets: [options.target] }] }],
  };
  writeFileSync(join(dir, "prometheus.yml"), stringify(config));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitReady(url, child, () => output, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}

async function waitReady(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited early:\n${output()}`);
    const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`prometheus not ready after ${timeoutMs} ms:\n${output()}`);
}
