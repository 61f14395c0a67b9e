import { networkKey } from "../../identity/network-key.js";
import type { TokenClaims } from "../../ingest/canonical-event.js";
import type { WindowStats } from "../../state/token-state-store.js";
import type { DetectionInput } from "../finding.js";

/*
 * DetectionInput → the values of the CEL variables `event` and `window`
 * declared in cel-environment.ts. CEL ints are BigInt; unknown values
 * become "", 0 or [] (see the note there). Built once per event and shared
 * by every rule. `event.network` is the enrichment's network key when the
 * pipeline passes one (it knows the configured IPv6 prefix), else the
 * default /64 key of the client address.
 */

type CelValue = string | bigint | number | boolean | Date | readonly CelValue[] | CelObject;
interface CelObject {
  readonly [key: string]: CelValue;
}

function int(value: number | null | undefined): bigint {
  if (value === null || value === undefined || !Number.isFinite(value)) return 0n;
  return BigInt(Math.trunc(value));
}

function str(value: string | null | undefined): string {
  return value ?? "";
}

function scopesOf(scope: string | null): string[] {
  if (!scope) return [];
  return scope.split(/\s+/).filter((part) => part.length > 0);
}

function claimsOf(claims: TokenClaims | null): CelObject {
  return {
    iss: str(claims?.iss),
    sub: str(claims?.sub),
    aud: str(claims?.aud),
    jti: str(claims?.jti),
    clientId: str(claims?.clientId),
    scope: str(claims?.scope),
    scopes: scopesOf(claims?.scope ?? null),
    exp: int(claims?.exp),
    iat: int(claims?.iat),
    kid: str(claims?.kid),
  };
}

/** The CEL value of `event`. */
export function celEvent(input: DetectionInput): CelObject {
  const { event, enrichment } = input;
  const { token } = event;

  return {
    ts: int(event.ts),
    requestId: str(event.requestId),
    gateway: str(event.gateway),
    clientIp: str(event.clientIp),
    network: enrichment?.network ?? networkKey(event.clientIp) ?? str(event.clientIp),
    forwardedFor: [...event.forwardedFor],
    userAgent: str(event.userAgent),
    method: str(event.method),
    scheme: str(event.scheme),
    host: str(event.host),
    path: str(event.path),
    queryKeys: [...event.queryKeys],
    status: int(event.status),
    latencyMs: event.latencyMs ?? 0,
    routeId: str(event.routeId),
    serviceId: str(event.serviceId),
    consumerId: str(event.consumerId),
    credentialId: str(event.credentialId),
    asn: int(enrichment?.asn),
    country: str(enrichment?.country),
    tokenClass: str(enrichment?.tokenClass),
    token: {
      fingerprint: token.fingerprint,
      location: token.location,
      kind: token.kind,
      claims: claimsOf(token.claims),
    },
  };
}

/** The CEL value of `window`. */
export function celWindow(window: WindowStats, ts: number): CelObject {
  return {
    duplicate: window.duplicate,
    requests1m: int(window.requests1m),
    requests5m: int(window.requests5m),
    requests1h: int(window.requests1h),
    minuteHistory: window.minuteHistory.map(int),
    networks5m: int(window.networks5m),
    networks1h: int(window.networks1h),
    userAgents1h: int(window.userAgents1h),
    networkSeenBefore: window.networkSeenBefore,
    userAgentSeenBefore: window.userAgentSeenBefore,
    hourLevel: int(window.hourLevel),
    hourOfDayLevel: int(window.hourOfDayLevel),
    activeHours: int(window.activeHours),
    userAgentKnown: window.userAgentKnown,
    asns5m: int(window.asns5m),
    asns1h: int(window.asns1h),
    countries1h: int(window.countries1h),
    asnKnown: window.asnKnown,
    countryKnown: window.countryKnown,
    knownAsns: int(window.knownAsns),
    knownCountries: int(window.knownCountries),
    alternations10m: int(window.alternations10m),
    denied5m: int(window.denied5m),
    browserRequests: int(window.browserRequests),
    afterRevocation: window.afterRevocation,
    revokedAt: int(window.revokedAt),
    totalRequests: int(window.totalRequests),
    firstSeen: int(window.firstSeen),
    ageMs: int(Math.max(0, ts - window.firstSeen)),
  };
}

/**
 * A CEL result as an evidence value: BigInt back to number, "" (how CEL
 * sees an unknown string) back to null, lists and maps to compact JSON so
 * evidence stays flat.
 */
export function evidenceValue(value: unknown): number | string | boolean | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
    return value;
  }
  if (value instanceof Date) return value.toISOString();

  return JSON.stringify(value, (_key, inner) =>
    typeof inner === "bigint"
      ? Number(inner)
      : inner instanceof Map
        ? Object.fromEntries(inner)
        : inner,
  );
}
