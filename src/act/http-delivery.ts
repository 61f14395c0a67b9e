import { setTimeout as sleep } from "node:timers/promises";

/** How one HTTP attempt ended; the values are the `result` metric label. */
export type AttemptResult = "ok" | "http_error" | "rejected" | "timeout" | "network_error";

export interface DeliveryAttempt {
  readonly attempt: number;
  readonly result: AttemptResult;
  readonly status: number | null;
  /** Wall-clock start of the attempt, epoch ms. */
  readonly startedAt: number;
  readonly durationMs: number;
}

export interface DeliveryResult {
  readonly delivered: boolean;
  readonly attempts: readonly DeliveryAttempt[];
  /** Why the last attempt failed, without secrets (status or error code). */
  readonly lastError: string | null;
}

/** Retry settings shared by every HTTP sink (config section `webhooks`). */
export interface RetryPolicy {
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** One request, rebuilt for each attempt (a webhook re-signs with a fresh timestamp). */
export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface DeliveryOptions {
  /** No attempt starts after this wall-clock time (epoch ms). */
  readonly deadline: number;
  readonly random?: () => number;
  readonly now?: () => number;
}

/**
 * POST with a per-attempt timeout and exponential backoff with full jitter
 * (`random() * min(max, base * 2^(n-1))`), so many tokenwatch processes do
 * not retry against a recovering endpoint in lockstep.
 *
 * 5xx, 408, 429, timeouts and network errors are retried; any other 4xx is
 * final (the receiver refused this request and will refuse it again). The
 * loop stops at the attempt limit or when the next attempt would start past
 * the deadline, whichever comes first; the caller dead-letters what failed.
 */
export async function postWithRetries(
  build: () => HttpRequest,
  policy: RetryPolicy,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const attempts: DeliveryAttempt[] = [];
  let lastError: string | null = null;

  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const { result, status, error, startedAt, durationMs } = await attemptOnce(
      build(),
      policy.timeoutMs,
      now,
    );
    attempts.push({ attempt, result, status, startedAt, durationMs });
    if (result === "ok") return { delivered: true, attempts, lastError: null };
    lastError = error;
    if (result === "rejected" || attempt === policy.attempts) break;

    const cap = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
    const delay = Math.floor(random() * cap);
    if (now() + delay > options.deadline) {
      lastError = `${error}; deadline reached after ${attempt} attempts`;
      break;
    }
    await sleep(delay);
  }
  return { delivered: false, attempts, lastError };
}

async function attemptOnce(
  request: HttpRequest,
  timeoutMs: number,
  now: () => number,
): Promise<{
  result: AttemptResult;
  status: number | null;
  error: string | null;
  startedAt: number;
  durationMs: number;
}> {
  const startedAt = now();
  const done = (result: AttemptResult, status: number | null, error: string | null) => ({
    result,
    status,
    error,
    startedAt,
    durationMs: now() - startedAt,
  });

  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
    // Drain the body so the connection can be reused; its content is not ours to log.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return done("ok", response.status, null);
    const result = retriable(response.status) ? "http_error" : "rejected";
    return done(result, response.status, `HTTP ${response.status}`);
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return done("timeout", null, `timed out after ${timeoutMs} ms`);
    }
    return done("network_error", null, networkCode(err));
  }
}

function retriable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** The error code of a failed connection (ECONNREFUSED…), never a URL with credentials. */
function networkCode(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? (err instanceof Error ? err.name : "network error");
}
