import type { IncomingHttpHeaders } from "node:http";
import type { IdentityConfig } from "../config/schema.js";
import { extractCredential } from "../identity/extract-token.js";
import type { Fingerprinter } from "../identity/fingerprint.js";

/**
 * The fingerprint of the credential in a live request's headers, found the
 * same way as in logged requests (Authorization bearer, then the API-key
 * headers and cookies), so a gateway asking `/v1/ext-authz` gets the key the
 * denylist was written under. The raw value never leaves this function.
 */
export function requestFingerprint(
  headers: IncomingHttpHeaders,
  identity: IdentityConfig,
  fingerprinter: Fingerprinter,
): string | null {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) flat[name.toLowerCase()] = first;
  }
  const credential = extractCredential({ headers: flat, query: {}, gatewayKey: null }, identity);
  return credential === null ? null : fingerprinter.fingerprint(credential.secret);
}
