import type { DenylistEntry } from "../act/denylist.js";
import type { CheckRequest } from "../act/request-fingerprint.js";
import { isFingerprint } from "../identity/fingerprint.js";

/** What the denylist routes need: a lookup, and optionally the token fingerprinter. */
export interface DenylistLookup {
  /** The entries of the given tokens in one round trip; null where a token is not denied. */
  getMany(tokenFps: readonly string[]): Promise<(DenylistEntry | null)[]>;
  /**
   * Fingerprint every credential a request presents (for `/v1/ext-authz`):
   * none, one, or several when the headers and the query disagree. The raw
   * tokens live only inside this call.
   */
  fingerprintRequest?(request: CheckRequest): string[];
}

export interface RouteReply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

const json = (status: number, value: unknown): RouteReply => ({
  status,
  type: "application/json",
  body: `${JSON.stringify(value)}\n`,
});

/**
 * `GET /v1/denylist/<fingerprint>`: 200 with the entry when the token is
 * denied, 404 when it is not. For gateways that compute the fingerprint
 * themselves (Kong, APISIX with a Lua snippet) but would rather ask over
 * HTTP than hold a Redis connection.
 */
export async function denylistRoute(lookup: DenylistLookup, path: string): Promise<RouteReply> {
  const fp = decodeURIComponent(path.slice("/v1/denylist/".length));
  if (!isFingerprint(fp)) {
    return json(400, { error: "expected a 22-character base64url token fingerprint" });
  }
  const [entry = null] = await lookup.getMany([fp]);
  if (entry === null) return json(404, { token: fp, denied: false });
  return json(200, { token: fp, denied: true, ...entry });
}

/**
 * `/v1/ext-authz/*`, Envoy's HTTP ext_authz contract: Envoy forwards the
 * request's headers, and with `path_prefix` its path and query; APISIX and
 * nginx pass the original target in a header instead. Any 2xx allows the
 * request, 403 denies it. tokenwatch fingerprints the credentials with its
 * own key, so the gateway needs no secret, and denies when any credential
 * the request presents is revoked. A request without a credential is
 * allowed: authentication is the gateway's job, revocation is ours.
 */
export async function extAuthzRoute(
  lookup: DenylistLookup,
  request: CheckRequest,
): Promise<RouteReply> {
  if (!lookup.fingerprintRequest) {
    return json(501, { error: "ext-authz needs the fingerprint key; it is not configured" });
  }
  const fps = lookup.fingerprintRequest(request);
  if (fps.length === 0) return { status: 200, type: "text/plain", body: "no credential\n" };

  const entries = await lookup.getMany(fps);
  const revoked = entries.findIndex((entry) => entry !== null);
  const entry = entries[revoked];
  if (entry) {
    return json(403, { error: "token revoked", token: fps[revoked], decisionId: entry.decisionId });
  }
  return { status: 200, type: "text/plain", body: "allowed\n" };
}
