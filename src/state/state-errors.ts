import { DependencyError, TokenwatchError } from "../errors.js";
import type { WindowStats } from "./token-state-store.js";

/**
 * Errors of the state stores, and the one place that turns a Redis failure
 * or a script status code into them.
 *
 * | Code                      | Retriable | Meaning and fix                                       |
 * |---------------------------|-----------|-------------------------------------------------------|
 * | `STATE_REDIS_UNAVAILABLE` | yes       | Redis unreachable, loading, out of memory,            |
 * |                           |           | read-only or failing over; retried after backoff      |
 * | `STATE_SCRIPT_FAILED`     | no        | a script raised an error (e.g. `WRONGTYPE` on a       |
 * |                           |           | claim: another program wrote under the prefix)        |
 * | `STATE_SCRIPT_PROTOCOL`   | no        | a script rejected its arguments: a tokenwatch bug     |
 * | `STATE_SNAPSHOT_GARBLED`  | no        | a token's state is not what tokenwatch writes; the    |
 * |                           |           | store keeps it aside, restarts the token (not thrown) |
 * | `STATE_WRITE_CONTENDED`   | yes       | other processes kept changing a token's state while   |
 * |                           |           | this one applied a batch; retried after backoff       |
 * | `STATE_INVALID_INPUT`     | no        | an observation or claim the store cannot accept       |
 */

/** A state operation that fails the same way however often it is retried. */
export class StateError extends TokenwatchError {}

/** An argument the store refuses (bad event time, offset, fingerprint or TTL). */
export class StateInputError extends StateError {
  constructor(message: string) {
    super("STATE_INVALID_INPUT", message);
  }
}

/** A token's stored state that cannot be read back. */
export class StateSnapshotError extends StateError {
  constructor(message: string) {
    super("STATE_SNAPSHOT_GARBLED", message);
  }
}

const APPLIED = Symbol("appliedEntries");

/**
 * Attach to an `observeMany` failure the answers of the batch entries that
 * were applied before it (null where an entry was not), so a caller that
 * retries the batch can keep them: re-applied, those entries would only
 * answer "duplicate".
 */
export function withAppliedEntries<E extends Error>(
  err: E,
  applied: ReadonlyArray<readonly WindowStats[] | null>,
): E {
  return Object.assign(err, { [APPLIED]: applied });
}

/** The answers `withAppliedEntries` attached, or null. */
export function appliedEntries(err: unknown): ReadonlyArray<readonly WindowStats[] | null> | null {
  if (typeof err !== "object" || err === null || !(APPLIED in err)) return null;
  return (err as { [APPLIED]: ReadonlyArray<readonly WindowStats[] | null> })[APPLIED];
}

/** Status codes the Lua scripts return instead of a result. */
export const SCRIPT_STATUS = {
  /** The argument count or a numeric argument did not match the script's header. */
  badArguments: -1,
} as const;

// Redis replies that mean "not now" rather than "never": the server is
// starting, full, failing over or blocked by a long script.
const TRANSIENT_REPLIES = /^(LOADING|OOM|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY|NOREPLICAS)/;

/** Map a script's status code to its error. */
export function scriptStatusError(command: string, status: number): StateError {
  if (status === SCRIPT_STATUS.badArguments) {
    return new StateError("STATE_SCRIPT_PROTOCOL", `${command}: the script rejected its arguments`);
  }
  return new StateError("STATE_SCRIPT_PROTOCOL", `${command}: unknown script status ${status}`);
}

/** Map whatever a Redis call threw to a typed error (already typed errors pass through). */
export function redisFailure(command: string, err: unknown): TokenwatchError {
  if (err instanceof TokenwatchError) return err;

  const message = err instanceof Error ? err.message : String(err);
  const isReply = err instanceof Error && err.name === "ReplyError";

  if (isReply && !TRANSIENT_REPLIES.test(message)) {
    return new StateError(
      "STATE_SCRIPT_FAILED",
      `${command}: redis replied ${firstLine(message)}`,
      {
        cause: err,
      },
    );
  }
  return new DependencyError(
    "STATE_REDIS_UNAVAILABLE",
    `${command}: redis unavailable (${firstLine(message)})`,
    { cause: err },
  );
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}
