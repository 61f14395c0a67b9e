import { createHmac, timingSafeEqual } from "node:crypto";

/** Header names of a signed delivery; documented in docs/actions.md. */
export const SIGNATURE_HEADERS = {
  /** The alert's id: the same on every attempt, so receivers can drop repeats. */
  id: "x-tokenwatch-id",
  /** Unix seconds when this attempt was signed. */
  timestamp: "x-tokenwatch-timestamp",
  /** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
  signature: "x-tokenwatch-signature",
} as const;

/** How far a receiver should let the timestamp drift before calling it a replay. */
export const DEFAULT_TOLERANCE_S = 300;

/**
 * The signature of one attempt. The timestamp is signed with the body, so a
 * captured request cannot be replayed later with a fresh timestamp, and a
 * receiver that checks the timestamp's age rejects old captures outright.
 */
export function signBody(secret: string, timestampS: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestampS}.${body}`).digest("hex");
  return `v1=${mac}`;
}

/**
 * What a receiver does, shipped so tests and users share one definition:
 * recompute the MAC over the raw body, compare in constant time, and refuse
 * timestamps outside the tolerance.
 */
export function verifyBody(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  options: { nowS?: number; toleranceS?: number } = {},
): boolean {
  const timestampS = Number(headers.timestamp);
  if (!Number.isInteger(timestampS) || !headers.signature) return false;

  const nowS = options.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowS - timestampS) > (options.toleranceS ?? DEFAULT_TOLERANCE_S)) return false;

  const expected = Buffer.from(signBody(secret, timestampS, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
