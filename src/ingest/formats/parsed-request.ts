import type { CredentialMaterial, ParsedRequest } from "../gateway-format.js";
import { MAX_TEXT_LENGTH, splitList } from "./fields.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a format parser fills in; everything left out is `null` (or empty). */
export type ParsedFields = Partial<Mutable<Omit<ParsedRequest, "gateway" | "credentials">>> & {
  credentials?: Partial<CredentialMaterial>;
};

const USER_AGENT_LENGTH = 512;

/** Builds a complete `ParsedRequest` so that every parser returns the same shape. */
export function parsedRequest(gateway: string, fields: ParsedFields): ParsedRequest {
  const credentials: CredentialMaterial = {
    headers: fields.credentials?.headers ?? Object.create(null),
    query: fields.credentials?.query ?? Object.create(null),
    gatewayKey: fields.credentials?.gatewayKey ?? null,
  };

  return {
    ts: fields.ts ?? null,
    requestId: fields.requestId ?? null,
    gateway,
    clientIp: fields.clientIp ?? null,
    forwardedFor: fields.forwardedFor ?? [],
    userAgent: fields.userAgent?.slice(0, USER_AGENT_LENGTH) ?? null,
    method: fields.method?.toUpperCase().slice(0, 32) ?? null,
    scheme: fields.scheme?.toLowerCase().slice(0, 16) ?? null,
    host: fields.host?.toLowerCase().slice(0, 255) ?? null,
    path: fields.path?.slice(0, MAX_TEXT_LENGTH) ?? null,
    queryKeys: fields.queryKeys ?? [],
    status: fields.status ?? null,
    latencyMs: fields.latencyMs ?? null,
    routeId: fields.routeId ?? null,
    serviceId: fields.serviceId ?? null,
    consumerId: fields.consumerId ?? null,
    credentialId: fields.credentialId ?? null,
    credentials,
  };
}

/** Values of headers every gateway logs the same way, read from a lower-cased header map. */
export function fromHeaders(headers: Readonly<Record<string, string>>): {
  userAgent: string | null;
  forwardedFor: string[];
  requestId: string | null;
} {
  return {
    userAgent: nonEmpty(headers["user-agent"]),
    forwardedFor: splitList(headers["x-forwarded-for"]),
    requestId: nonEmpty(headers["x-request-id"]),
  };
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed && trimmed !== "-" ? trimmed.slice(0, MAX_TEXT_LENGTH) : null;
}
