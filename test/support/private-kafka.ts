import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { freePort } from "./free-port.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SERVICES = `${ROOT}scripts/services.sh`;

/**
 * A Kafka broker of the test's own, started with `scripts/services.sh` on free
 * ports and its own data directory (`.services/kafka-<port>`), so a test can
 * stop and restart it while the shared broker keeps serving everyone else.
 * `stop()` and `start()` keep the data: a restart, not a new cluster.
 */
export class PrivateKafka {
  private constructor(
    readonly port: number,
    private readonly controllerPort: number,
  ) {}

  static async start(): Promise<PrivateKafka> {
    const kafka = new PrivateKafka(await freePort(), await freePort());
    await kafka.start();
    return kafka;
  }

  get broker(): string {
    return `127.0.0.1:${this.port}`;
  }

  client(): Kafka {
    return new Kafka({
      clientId: "tokenwatch-test",
      brokers: [this.broker],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 200 },
    });
  }

  async start(): Promise<void> {
    await this.services("start");
  }

  async stop(): Promise<void> {
    await this.services("stop");
  }

  /** Stop the broker and delete its data (clean-up, also after a failure). */
  async remove(): Promise<void> {
    await this.services("stop").catch(() => undefined);
    rmSync(`${ROOT}.services/kafka-${this.port}`, { recursive: true, force: true });
  }

  private async services(command: "start" | "stop"): Promise<void> {
    await run("bash", [SERVICES, command], {
      env: {
        ...process.env,
        SERVICES_KAFKA_PORT: String(this.port),
        SERVICES_KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      },
      timeout: 120_000,
    });
  }
}
