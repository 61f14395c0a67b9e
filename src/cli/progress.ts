import cliProgress from "cli-progress";

/** Where the bar is drawn and whether it may be: the shape of `process.stderr` it needs. */
export interface ProgressTarget {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

export interface ProgressOptions {
  /** The terminal the bar is drawn on: stderr, so stdout stays machine-readable. */
  readonly stream: ProgressTarget;
  /** `--quiet`: no bar at all. */
  readonly quiet: boolean;
  /** The environment, for `NO_COLOR` (https://no-color.org) and `TERM=dumb`. */
  readonly env: NodeJS.ProcessEnv;
  /** Bytes the input holds (a file's size), or null when unknown (stdin): no ETA then. */
  readonly totalBytes: number | null;
  /** Redraws per second (default 5: cheap, and still reads as live). */
  readonly fps?: number;
}

/** A replay's progress: input consumed so far, drawn as a bar with rate and ETA. */
export interface ReplayProgress {
  /** Whether a bar is being drawn (a terminal, not `--quiet`). */
  readonly active: boolean;
  /** Count lines read and the bytes they took. */
  advance(lines: number, bytes: number): void;
  /** Run `write` (something printed to the same terminal) without garbling the bar. */
  interrupt(write: () => void): void;
  stop(): void;
}

const CYAN = "\u001b[36m";
const RESET = "\u001b[0m";

const SILENT: ReplayProgress = {
  active: false,
  advance: () => {},
  interrupt: (write) => write(),
  stop: () => {},
};

/**
 * The replay progress bar (cli-progress). It is drawn only on a terminal:
 * piped or redirected stderr, `--quiet` and `TERM=dumb` get no bar and no
 * per-batch work. Progress is measured in bytes of the file, so the ETA
 * holds for lines of any length; the rate shown is lines per second.
 * `NO_COLOR` drops the colour, not the bar.
 */
export function createReplayProgress(options: ProgressOptions): ReplayProgress {
  const { stream, env } = options;
  if (options.quiet || stream.isTTY !== true || env.TERM === "dumb") return SILENT;

  const color = env.NO_COLOR === undefined || env.NO_COLOR === "";
  const bar = `${color ? CYAN : ""}{bar}${color ? RESET : ""}`;
  const known = options.totalBytes !== null && options.totalBytes > 0;
  const format = known
    ? `replay ${bar} {percentage}% | {lines} lines | {rate} lines/s | ETA {eta_formatted}`
    : "replay {lines} lines | {rate} lines/s | {duration_formatted}";
  const progress = new cliProgress.SingleBar(
    {
      // cli-progress only needs write/isTTY/columns of a stream.
      stream: stream as unknown as NodeJS.WritableStream,
      format,
      fps: options.fps ?? 5,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );

  const started = Date.now();
  let lines = 0;
  let bytes = 0;
  const payload = () => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    return {
      lines: lines.toLocaleString("en"),
      rate: Math.round(lines / seconds).toLocaleString("en"),
    };
  };
  progress.start(known ? (options.totalBytes as number) : 1, 0, payload());

  return {
    active: true,
    advance(moreLines, moreBytes) {
      lines += moreLines;
      bytes += moreBytes;
      progress.update(known ? Math.min(bytes, options.totalBytes as number) : 0, payload());
    },
    interrupt(write) {
      // Clear the bar's line, print, and let the next update draw the bar again.
      stream.write("\r\u001b[2K");
      write();
      progress.render();
    },
    stop() {
      progress.stop();
    },
  };
}
