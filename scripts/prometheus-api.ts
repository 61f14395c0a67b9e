/*
 * The two Prometheus HTTP API calls Grafana's panels make: an instant query
 * (stat panels, and the deploy test) and a range query (time series). The
 * answer is returned as Prometheus sent it, error included, so a caller can
 * assert on `status` rather than catch.
 */

/** One series of a query result: its labels and its (time, value) samples. */
export interface Series {
  readonly metric: Record<string, string>;
  /** Instant queries: one sample. */
  readonly value?: [number, string];
  /** Range queries: every step. */
  readonly values?: [number, string][];
}

/** The body of `/api/v1/query` and `/api/v1/query_range`, as Prometheus documents it. */
export interface QueryAnswer {
  readonly status: "success" | "error";
  readonly error?: string;
  readonly errorType?: string;
  readonly data?: { resultType: string; result: Series[] | [number, string] };
}

async function call(url: string): Promise<QueryAnswer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  // Prometheus answers 400/422 with a JSON body that says what is wrong with the query.
  return (await response.json()) as QueryAnswer;
}

/** Evaluate `expr` at `time` (seconds; default now). */
export function instantQuery(base: string, expr: string, time?: number): Promise<QueryAnswer> {
  const params = new URLSearchParams({ query: expr });
  if (time !== undefined) params.set("time", String(time));
  return call(`${base}/api/v1/query?${params}`);
}

/** Evaluate `expr` from `start` to `end` (seconds) every `stepSeconds`. */
export function rangeQuery(
  base: string,
  expr: string,
  range: { start: number; end: number; stepSeconds: number },
): Promise<QueryAnswer> {
  const params = new URLSearchParams({
    query: expr,
    start: String(range.start),
    end: String(range.end),
    step: String(range.stepSeconds),
  });
  return call(`${base}/api/v1/query_range?${params}`);
}

/** The series of a vector or matrix answer; throws with Prometheus's message on an error. */
export function seriesOf(answer: QueryAnswer, expr: string): Series[] {
  if (answer.status !== "success" || !answer.data) {
    throw new Error(`Prometheus rejected ${expr}: ${answer.errorType}: ${answer.error}`);
  }
  const { resultType, result } = answer.data;
  if (resultType === "scalar") {
    return [{ metric: {}, value: result as [number, string] }];
  }
  return result as Series[];
}
