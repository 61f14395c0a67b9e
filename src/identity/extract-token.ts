import type { IdentityConfig } from "../config/schema.js";
import type { CredentialMaterial } from "../ingest/gateway-format.js";
import { looksLikeJwt } from "./jwt-claims.js";

/** How a credential was presented; `none` when only the gateway's own field carried it. */
export type CredentialLocation = "header" | "query" | "cookie" | "none";
export type CredentialKind = "jwt" | "opaque" | "apikey";

/** A raw credential found in a request. Hold it only long enough to fingerprint it. */
export interface ExtractedCredential {
  readonly secret: string;
  readonly location: CredentialLocation;
  readonly kind: CredentialKind;
}

/** Longer values are not credentials a gateway would accept; skip rather than hash megabytes. */
const MAX_SECRET_LENGTH = 8192;

/** Gateways that mask secrets keep a few clear characters: `****Xy12`, `***`. */
const MASKED = /\*{3,}/;

const BEARER = /^bearer\s+(\S+)$/i;

/** A scheme name with nothing after it is a broken header, not a bare API key. */
const SCHEME_ONLY = /^(bearer|basic|digest|negotiate|token|hoba|mutual|aws4-hmac-sha256)$/i;

/**
 * Finds the credential that authorized a request, in this order: the
 * `Authorization` header, the configured API-key headers, the configured
 * cookies, the configured query parameters, and last the gateway's own key
 * field (Tyk `api_key`). The first usable value wins.
 *
 * `Authorization` counts when it is `Bearer <token>` (any case) or a single
 * bare value (Tyk's default key header has no scheme). Other schemes (Basic,
 * Digest, AWS SigV4) are passwords or per-request signatures, not bearer
 * tokens, and are ignored; so are placeholders such as Kong's `REDACTED` and
 * masked values such as AWS's `****Xy12`.
 */
export function extractCredential(
  material: CredentialMaterial,
  cfg: IdentityConfig,
): ExtractedCredential | null {
  return credentialsIn(material, cfg).next().value ?? null;
}

/**
 * Every usable credential of a request, in the order `extractCredential`
 * ranks them. An enforcement check must look at all of them: a valid bearer
 * must not hide a revoked API key that the upstream may also honour.
 */
export function extractCredentials(
  material: CredentialMaterial,
  cfg: IdentityConfig,
): ExtractedCredential[] {
  return [...credentialsIn(material, cfg)];
}

// A generator, so that the per-event path stops at the first credential.
function* credentialsIn(
  material: CredentialMaterial,
  cfg: IdentityConfig,
): Generator<ExtractedCredential, void> {
  const fromAuthorization = readAuthorization(material.headers.authorization);
  if (fromAuthorization) yield fromAuthorization;

  for (const name of cfg.apiKeyHeaders) {
    const value = usable(material.headers[name.toLowerCase()]);
    if (value) yield { secret: value, location: "header", kind: apiKeyKind(value) };
  }

  const cookies = parseCookieHeader(material.headers.cookie);
  for (const name of cfg.cookies) {
    const value = usable(cookies.get(name));
    if (value) yield { secret: value, location: "cookie", kind: tokenKind(value) };
  }

  const query = lowerCaseKeys(material.query);
  for (const name of cfg.queryParams) {
    const value = usable(query.get(name.toLowerCase()));
    if (value) {
      const kind = /key/i.test(name) ? apiKeyKind(value) : tokenKind(value);
      yield { secret: value, location: "query", kind };
    }
  }

  const gatewayKey = usable(material.gatewayKey ?? undefined);
  if (gatewayKey) yield { secret: gatewayKey, location: "none", kind: apiKeyKind(gatewayKey) };
}

/**
 * Every value in the material that may be a secret, whether or not it won
 * in `extractCredential`. Used to scrub them from anything that leaves the
 * process (dead letters, canonical fields that echo the request).
 */
export function credentialValues(material: CredentialMaterial, cfg: IdentityConfig): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined | null) => {
    if (typeof value === "string" && value.trim() !== "") {
      found.add(value.trim());
    }
  };

  const authorization = material.headers.authorization;
  add(authorization);
  add(authorization?.replace(/^\S+\s+/, ""));
  add(material.headers["proxy-authorization"]);
  for (const name of cfg.apiKeyHeaders) {
    add(material.headers[name.toLowerCase()]);
  }

  add(material.headers.cookie);
  for (const value of parseCookieHeader(material.headers.cookie).values()) {
    add(value);
  }

  const query = lowerCaseKeys(material.query);
  for (const name of cfg.queryParams) {
    add(query.get(name.toLowerCase()));
  }

  add(material.gatewayKey);
  return [...found];
}

/**
 * Parses a `Cookie` request header (RFC 6265 §4.2): `name=value` pairs
 * separated by `;`. Values may be quoted. The first occurrence of a name wins,
 * as in most servers.
 */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) {
    return cookies;
  }

  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      continue;
    }
    const name = pair.slice(0, eq).trim();
    const value = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    if (name !== "" && !cookies.has(name)) {
      cookies.set(name, value);
    }
  }

  return cookies;
}

function readAuthorization(header: string | undefined): ExtractedCredential | null {
  const value = usable(header);
  if (!value) {
    return null;
  }

  const bearer = BEARER.exec(value);
  if (bearer?.[1]) {
    const secret = usable(bearer[1]);
    return secret ? { secret, location: "header", kind: tokenKind(secret) } : null;
  }

  if (/\s/.test(value) || SCHEME_ONLY.test(value)) {
    return null;
  }
  return { secret: value, location: "header", kind: apiKeyKind(value) };
}

function usable(value: string | undefined): string | null {
  if (value === undefined) {
    return null;
  }

  const trimmed = value.trim();
  if (trimmed === "" || trimmed === "-" || trimmed.length > MAX_SECRET_LENGTH) {
    return null;
  }
  if (/^redacted$/i.test(trimmed) || trimmed === "[REDACTED]" || MASKED.test(trimmed)) {
    return null;
  }
  return trimmed;
}

function tokenKind(value: string): CredentialKind {
  return looksLikeJwt(value) ? "jwt" : "opaque";
}

function apiKeyKind(value: string): CredentialKind {
  return looksLikeJwt(value) ? "jwt" : "apikey";
}

function lowerCaseKeys(record: Readonly<Record<string, string>>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) {
    const lower = key.toLowerCase();
    if (!map.has(lower)) {
      map.set(lower, value);
    }
  }
  return map;
}
