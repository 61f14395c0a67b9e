/**
 * The one internal shape every gateway format is normalized into.
 *
 * Conventions: times are epoch milliseconds (UTC), durations are milliseconds,
 * unknown values are `null` (never `"-"` or `""`), header names are lower-case.
 * The raw token never appears here: by the time a value of this type exists,
 * the identity step has replaced it with a fingerprint.
 */

/** Where an event came from, for dead letters, audit and idempotency. */
export interface EventSource {
  /** Kafka topic, or the file path (`-` for stdin) in replay. */
  readonly stream: string;
  /** Kafka partition; `0` for files. */
  readonly partition: number;
  /** Kafka offset, or the 1-based line number in a file. */
  readonly offset: number;
  /** Position of the event inside a message that carried an array of events. */
  readonly index: number;
}

export type TokenLocation = "header" | "query" | "cookie" | "none";
export type TokenKind = "jwt" | "opaque" | "apikey" | "credential";

/** The JWT claims tokenwatch keeps; everything else in a JWT is dropped. */
export interface TokenClaims {
  readonly iss: string | null;
  readonly sub: string | null;
  readonly aud: string | null;
  readonly jti: string | null;
  readonly clientId: string | null;
  readonly scope: string | null;
  /** Expiry, epoch milliseconds (converted from the JWT's seconds). */
  readonly exp: number | null;
  /** Issued-at, epoch milliseconds. */
  readonly iat: number | null;
  readonly kid: string | null;
}

/** The identity of the credential that authorized one request. */
export interface TokenIdentity {
  /** HMAC-SHA256 fingerprint, 128 bits, base64url: the key of all per-token state. */
  readonly fingerprint: string;
  readonly location: TokenLocation;
  readonly kind: TokenKind;
  readonly claims: TokenClaims | null;
}

export interface CanonicalEvent {
  /** Request start, epoch ms, taken from the payload (never the Kafka record). */
  readonly ts: number;
  readonly requestId: string | null;
  /** The gateway that logged the request, as the record says (free text for canonical input). */
  readonly gateway: string;
  /** The log format it was read with: one of FORMAT_NAMES, so safe as a metric label. */
  readonly format: string;
  readonly source: EventSource;

  readonly clientIp: string;
  readonly forwardedFor: readonly string[];
  readonly userAgent: string | null;

  readonly method: string | null;
  readonly scheme: string | null;
  readonly host: string | null;
  /** Path without the query string. */
  readonly path: string | null;
  /** Names of the query parameters; values are dropped (they may hold secrets). */
  readonly queryKeys: readonly string[];
  readonly status: number | null;
  readonly latencyMs: number | null;

  readonly routeId: string | null;
  readonly serviceId: string | null;
  readonly consumerId: string | null;
  readonly credentialId: string | null;

  /** `null` when the request carried no credential tokenwatch can identify. */
  readonly token: TokenIdentity | null;
}
