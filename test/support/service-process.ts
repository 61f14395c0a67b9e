import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** A `tokenwatch` process started from the built CLI, with its output captured. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolve when the output contains `text`, reject after `timeoutMs`. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
  /** Send a signal and resolve with the exit code (null when killed by signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolve with the exit code once the process exits by itself; reject after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
}

export function startService(args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));

  return {
    child,
    output: () => output,
    async waitFor(text, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (child.exitCode !== null) {
          throw new Error(`service exited (${child.exitCode}) before "${text}":\n${output}`);
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}":\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    async exited(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`still running after ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
