import type { CanonicalEvent } from "./canonical-event.js";

/**
 * What a format parser extracts from one gateway log record, before the
 * identity step. It still holds the request's credential material
 * (`credentials`); identity reads it once, fingerprints it and drops it, so a
 * value of this type must never be logged, stored or published.
 */
export interface ParsedRequest
  extends Omit<CanonicalEvent, "token" | "source" | "clientIp" | "ts" | "format"> {
  /** Event time in epoch ms, or `null` when the record has none (rejected later). */
  readonly ts: number | null;
  readonly clientIp: string | null;
  readonly credentials: CredentialMaterial;
}

/**
 * Places a secret can hide in a request, as the gateway logged them.
 * Header names are lower-case; values that were arrays are joined by the
 * parser only if the gateway really sent several values (first one wins).
 */
export interface CredentialMaterial {
  /** Request headers as logged (may include `authorization`, `apikey`, `cookie`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Query parameters as logged (values may be API keys or access tokens). */
  readonly query: Readonly<Record<string, string>>;
  /**
   * A credential the gateway itself exposes outside headers/query, for example
   * Tyk's `api_key` or AWS API Gateway's masked `apiKey`. Treated as a secret.
   */
  readonly gatewayKey: string | null;
}

/** One gateway log format: a cheap detector and a strict parser. */
export interface GatewayFormat {
  /** Stable name used in configuration (`--format kong`) and in the canonical event's `gateway`. */
  readonly name: string;
  /** Structural test used by auto-detection; must not throw. */
  matches(record: Readonly<Record<string, unknown>>): boolean;
  /**
   * Parse one record. Throws `RejectedInputError` for records of this format
   * that cannot be read (wrong types, unusable fields); returns `ts: null` or
   * `clientIp: null` when those are simply absent.
   */
  parse(record: Readonly<Record<string, unknown>>): ParsedRequest;
}
