import type { IdentityConfig } from "../config/schema.js";
import type { TokenClaims, TokenIdentity } from "../ingest/canonical-event.js";
import type { ParsedRequest } from "../ingest/gateway-format.js";
import { type ExtractedCredential, extractCredential } from "./extract-token.js";
import type { Fingerprinter } from "./fingerprint.js";
import { readJwtClaims } from "./jwt-claims.js";

type IdentitySource = IdentityConfig["precedence"][number];

/**
 * Decides which identity keys the per-token state of one request.
 *
 * The sources are tried in `cfg.precedence` order and the first the request
 * has wins:
 * - `token`: the raw credential (bearer token, API key), fingerprinted;
 * - `jti`: a JWT's `iss` + `jti`, which survives token refresh only if the
 *   issuer reuses it, but identifies one token even when gateways log it
 *   differently;
 * - `credential`: the gateway's credential id (Kong `authenticated_entity.id`,
 *   AWS `apiKeyId`, APIPark `authorization`);
 * - `consumer`: the gateway's consumer id.
 *
 * With a `credential` or `consumer` key the kind is `credential`; the location
 * is still where a raw token was seen (`none` if there was none), because a
 * token in a query string is a finding whatever keys the state. JWT claims are
 * kept whichever source wins. The raw secret is used only inside this call.
 */
export function identify(
  parsed: ParsedRequest,
  cfg: IdentityConfig,
  fingerprinter: Fingerprinter,
): TokenIdentity | null {
  const credential = extractCredential(parsed.credentials, cfg);
  const claims = credential?.kind === "jwt" ? readJwtClaims(credential.secret) : null;

  for (const source of cfg.precedence) {
    const identity = identityFrom(source, { parsed, credential, claims, fingerprinter });
    if (identity) {
      return identity;
    }
  }

  return null;
}

interface Candidates {
  readonly parsed: ParsedRequest;
  readonly credential: ExtractedCredential | null;
  readonly claims: TokenClaims | null;
  readonly fingerprinter: Fingerprinter;
}

function identityFrom(source: IdentitySource, c: Candidates): TokenIdentity | null {
  const location = c.credential?.location ?? "none";

  switch (source) {
    case "token":
      if (!c.credential) {
        return null;
      }
      return {
        fingerprint: c.fingerprinter.fingerprint(c.credential.secret),
        location,
        // A malformed JWT (undecodable claims) is just an opaque bearer token.
        kind: c.credential.kind === "jwt" && !c.claims ? "opaque" : c.credential.kind,
        claims: c.claims,
      };

    case "jti":
      if (!c.claims?.jti) {
        return null;
      }
      return {
        fingerprint: c.fingerprinter.fingerprintId("jti", `${c.claims.iss ?? ""} ${c.claims.jti}`),
        location,
        kind: "jwt",
        claims: c.claims,
      };

    case "credential":
      return byId(c, "credential", c.parsed.credentialId, location);

    case "consumer":
      return byId(c, "consumer", c.parsed.consumerId, location);
  }
}

function byId(
  c: Candidates,
  namespace: "credential" | "consumer",
  id: string | null,
  location: TokenIdentity["location"],
): TokenIdentity | null {
  if (id === null || id === "") {
    return null;
  }
  return {
    fingerprint: c.fingerprinter.fingerprintId(namespace, id),
    location,
    kind: "credential",
    claims: c.claims,
  };
}
