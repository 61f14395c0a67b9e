import type { IncomingHttpHeaders } from "node:http";
import type { IdentityConfig } from "../config/schema.js";
import { extractCredentials } from "../identity/extract-token.js";
import type { Fingerprinter } from "../identity/fingerprint.js";
import { headerMap } from "../ingest/formats/fields.js";
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
 * Every credential of every place counts, so a valid bearer cannot hide a
 * revoked API key, cookie or `?access_token=` that the upstream may honour.
 * The raw values never leave this function.
 */
export function requestFingerprints(
  request: CheckRequest,
  identity: IdentityConfig,
  fingerprinter: Fingerprinter,
): string[] {
  const headers = headerMap(request.headers, "headers");
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
    for (const credential of extractCredentials(material, identity)) {
      found.add(fingerprinter.fingerprint(credential.secret));
    }
  }
  return [...found];
}
