import type { DeliveryResult } from "./http-delivery.js";

/** Which HTTP sink gave up on a delivery; the `sink` metric label. */
export type SinkKind = "webhook" | "alertmanager" | "revocation_http";

/**
 * A delivery that failed every attempt, as published to
 * `webhooks.deadLetterTopic`. It carries the body that was to be sent (free of
 * raw tokens by construction) but never a header: those hold signatures and
 * bearer credentials. Re-sending means re-signing with the current secret.
 */
export interface DeliveryDeadLetter {
  readonly type: "tokenwatch.delivery_failed";
  readonly sink: SinkKind;
  /** Endpoint name (webhooks), `alertmanager`, or `revocation_http`. */
  readonly endpoint: string;
  /** Ids of the alerts or revocations in the body. */
  readonly ids: readonly string[];
  readonly failedAt: number;
  readonly lastError: string | null;
  readonly attempts: DeliveryResult["attempts"];
  readonly body: unknown;
}

export function deliveryDeadLetter(
  fields: Omit<DeliveryDeadLetter, "type" | "failedAt" | "attempts" | "lastError">,
  result: DeliveryResult,
  now = Date.now(),
): DeliveryDeadLetter {
  return {
    type: "tokenwatch.delivery_failed",
    ...fields,
    failedAt: now,
    lastError: result.lastError,
    attempts: result.attempts,
  };
}

/**
 * Run `work` over `items` with at most `limit` in flight, keeping order. A
 * batch can hold thousands of alerts; unbounded parallel POSTs would flood a
 * receiver and exhaust sockets.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
