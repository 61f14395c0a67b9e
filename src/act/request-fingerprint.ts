import type { IncomingHttpHeaders } from "node:http";
import type { IdentityConfig } from "../config/schema.js";
import { extractCredential } from "../identity/extract-token.js";
import type { Fingerprinter } from "../identity/fingerprint.js";
import { splitTarget } from "../ingest/formats/target.js";
import type { CredentialMaterial } from "../ingest/gateway-format.js";

/** A live check request, as a gateway sends it to `/v1/ext-authz`. */
export interface CheckRequest {
  readonly headers: IncomingHttpHeaders;
  /** The check request's own target: path and query. */
  readonly url: string;
}

/**
 * Headers in which a gateway passes the original request target when the
 * check request's own URL does not carry it: APISIX `forward-auth` and
 * Traefik `forwardAuth` send `X-Forwarded-Uri`; nginx `auth_request` setups
 * commonly send `X-Original-URI`.
 */
const FORWARDED_TARGET_HEADERS = ["x-forwarded-uri", "x-original-uri"] as const;

/**
 * The fingerprints of every credential a live request presents, found the
 * same way as in logged requests (`extractCredential`): the Authorization
 * bearer, the API-key headers and cookies; the query parameters of the
 * check request's own URL (Envoy's `path_prefix` appends the original path
 * and query to it); and the query of the forwarded-target headers.
 *
 * Each place is read on its own, so a valid bearer cannot hide a revoked
 * `?access_token=` that the upstream may honour. The raw values never leave
 * this function.
 */
export function requestFingerprints(
  request: CheckRequest,
  identity: IdentityConfig,
  fingerprinter: Fingerprinter,
): string[] {
  const headers = flatHeaders(request.headers);
  const materials: CredentialMaterial[] = [
    { headers, query: {}, gatewayKey: null },
    { headers: {}, query: splitTarget(request.url).query, gatewayKey: null },
  ];
  for (const name of FORWARDED_TARGET_HEADERS) {
    const target = headers[name];
    if (target) materials.push({ headers: {}, query: splitTarget(target).query, gatewayKey: null });
  }

  const found = new Set<string>();
  for (const material of materials) {
    const credential = extractCredential(material, identity);
    if (credential) found.add(fingerprinter.fingerprint(credential.secret));
  }
  return [...found];
}

/** Node gives repeated headers as arrays; the first value is the one a gateway acts on. */
function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) flat[name.toLowerCase()] = first;
  }
  return flat;
}
