import type { Logger } from "pino";

/** Why the service stops: an operator's signal, or a failure it cannot mend by itself. */
export type StopReason =
  | { readonly kind: "signal"; readonly signal: NodeJS.Signals }
  | { readonly kind: "fatal"; readonly error: Error };

/**
 * The life of `tokenwatch run` from the first connection to the last close.
 *
 * Everything the service opens registers how to close it, and `close` runs
 * those in reverse order whatever happened: a start-up that failed half way,
 * a signal during start-up (joining a group can take a session timeout), a
 * signal while running, or a fatal error. Without that, one open socket (the
 * HTTP server, the Redis client, the producer) keeps Node alive after a
 * failed start, and the process neither works nor exits — so an
 * orchestrator's restart policy never mends it.
 *
 * A close that hangs (a broker gone mid-disconnect) must not hold the
 * process forever: past `timeoutMs` it exits with code 1.
 */
export class ServiceLifecycle {
  /** Resolves once, with the first reason to stop. */
  readonly stopped: Promise<StopReason>;
  private resolveStop: (reason: StopReason) => void = () => {};
  private readonly closers: { name: string; close: () => Promise<void> }[] = [];
  private readonly onSignal = (signal: NodeJS.Signals) => this.stop({ kind: "signal", signal });

  constructor(
    private readonly log: Logger,
    private readonly timeoutMs: number,
  ) {
    this.stopped = new Promise((resolve) => {
      this.resolveStop = resolve;
    });
    process.on("SIGTERM", this.onSignal);
    process.on("SIGINT", this.onSignal);
  }

  /** Ask the service to stop; only the first reason counts. */
  stop(reason: StopReason): void {
    this.resolveStop(reason);
  }

  /** Register how to close something just opened; closed last-opened first. */
  onClose(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  /**
   * Run `start` unless a stop comes first. Resolves once started, or once a
   * stop won the race (start-up is then abandoned: `close` undoes what it
   * opened so far). A start-up error rejects.
   */
  async startUnlessStopped(start: () => Promise<void>): Promise<void> {
    const starting = start();
    // If the stop wins, a later rejection of the abandoned start-up is expected.
    starting.catch(() => {});
    await Promise.race([starting, this.stopped]);
  }

  /** Close everything registered, in reverse order; each failure is logged, not thrown. */
  async close(): Promise<void> {
    process.off("SIGTERM", this.onSignal);
    process.off("SIGINT", this.onSignal);
    const timer = setTimeout(() => {
      this.log.error({ timeoutMs: this.timeoutMs }, "shutdown took too long; exiting");
      process.exit(1);
    }, this.timeoutMs);
    timer.unref();

    for (const { name, close } of this.closers.reverse()) {
      try {
        await close();
      } catch (err) {
        this.log.warn({ err, component: name }, "close failed");
      }
    }
    clearTimeout(timer);
  }
}
