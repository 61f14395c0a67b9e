import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";
import type { TokenClaims } from "../ingest/canonical-event.js";

/** Three base64url segments; the signature may be empty (`alg: none`). */
const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;

/** Claims longer than this are cut: they end up in state and alerts. */
const MAX_CLAIM_LENGTH = 256;

/** Cheap test for a compact JWS: used to tell `jwt` from `opaque` before decoding. */
export function looksLikeJwt(token: string): boolean {
  return token.startsWith("eyJ") && JWT_SHAPE.test(token);
}

/**
 * Reads the claims tokenwatch keeps from a JWT, without verifying the
 * signature: the gateway already did, and tokenwatch never decides access.
 * Everything but `iss`, `sub`, `aud`, `jti`, `client_id`, `scope`, `exp`,
 * `iat` and the header's `kid` is dropped.
 *
 * Returns `null` for anything that is not a decodable JWT; callers treat such
 * a token as opaque. It never throws.
 */
export function readJwtClaims(token: string): TokenClaims | null {
  if (!looksLikeJwt(token)) {
    return null;
  }

  let payload: JWTPayload;
  let kid: unknown;
  try {
    payload = decodeJwt(token);
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return null;
  }

  return {
    iss: claimString(payload.iss),
    sub: claimString(payload.sub),
    aud: claimList(payload.aud),
    jti: claimString(payload.jti),
    // `azp` is the OIDC "authorized party": the client id when `client_id` is absent.
    clientId: claimString(payload.client_id) ?? claimString(payload.azp),
    // RFC 8693 `scope` is a space-separated string; Azure AD and Okta use an `scp` array.
    scope: claimList(payload.scope) ?? claimList(payload.scp),
    exp: claimSeconds(payload.exp),
    iat: claimSeconds(payload.iat),
    kid: claimString(kid),
  };
}

function claimString(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0) {
    return null;
  }
  return value.slice(0, MAX_CLAIM_LENGTH);
}

function claimList(value: unknown): string | null {
  if (!Array.isArray(value)) {
    return claimString(value);
  }
  const items = value.filter((item): item is string => typeof item === "string" && item !== "");
  return items.length > 0 ? claimString(items.join(" ")) : null;
}

/** JWT times are NumericDate seconds (RFC 7519 §2); tokenwatch works in epoch ms. */
function claimSeconds(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    return null;
  }
  const ms = Math.round(value * 1000);
  return Number.isSafeInteger(ms) ? ms : null;
}
