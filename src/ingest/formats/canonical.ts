import type { GatewayFormat } from "../gateway-format.js";
import {
  durationAt,
  field,
  hasField,
  headerMap,
  invalidField,
  type JsonRecord,
  queryMap,
  splitList,
  statusAt,
  stringAt,
  toText,
} from "./fields.js";
import { parsedRequest } from "./parsed-request.js";
import { hostWithoutPort, mergeKeys, splitTarget } from "./target.js";
import { timestampAt } from "./time.js";

/**
 * camelCase fields of the canonical event. `clientIp` alone identifies the
 * shape, since no supported gateway writes that name; `ts` is too common a
 * name on its own, so it needs one of these beside it. AWS API Gateway
 * writes `requestId` and may write `userAgent`, but never `ts` (its time is
 * `requestTime`). Either way a canonical record missing one required field
 * is still read as canonical, and rejected as `missing_time` or
 * `missing_client_ip` rather than `unknown_format`.
 */
const CANONICAL_ONLY = [
  "latencyMs",
  "userAgent",
  "forwardedFor",
  "queryKeys",
  "routeId",
  "serviceId",
  "consumerId",
  "credentialId",
  "requestId",
] as const;

/**
 * tokenwatch's own event JSON: the fields of `CanonicalEvent` by the same
 * names (`ts`, `clientIp`, `method`, `path`, `status`, `latencyMs`, ...), as
 * written by the traffic simulator and by operators who transform logs
 * themselves. `ts` may be epoch ms or ISO 8601.
 *
 * Because a canonical event carries no secret, input that should be
 * identified carries the credential material explicitly: `headers` (a map,
 * e.g. `{"authorization": "Bearer ..."}`) and `query` (a map of parameters);
 * `path` may also include a query string. A `token` object (an already
 * fingerprinted identity) is not trusted and is ignored.
 */
export const canonicalFormat: GatewayFormat = {
  name: "canonical",

  matches(record) {
    if (hasField(record, "clientIp")) return true;
    return hasField(record, "ts") && CANONICAL_ONLY.some((name) => hasField(record, name));
  },

  parse(record) {
    const headers = headerMap(field(record, "headers"), "headers");
    const target = splitTarget(stringAt(record, "path", "path"));
    const query = { ...target.query, ...queryMap(field(record, "query"), "query") };

    return parsedRequest(stringAt(record, "gateway", "gateway", 64) ?? "canonical", {
      ts: timestampAt(record, "ts", "ts"),
      requestId: stringAt(record, "requestId", "requestId", 256),
      clientIp: stringAt(record, "clientIp", "clientIp"),
      forwardedFor: forwardedFor(record),
      userAgent: stringAt(record, "userAgent", "userAgent") ?? headers["user-agent"] ?? null,
      method: stringAt(record, "method", "method", 32),
      scheme: stringAt(record, "scheme", "scheme", 16),
      host: hostWithoutPort(stringAt(record, "host", "host", 300)),
      path: target.path,
      queryKeys: mergeKeys(queryKeys(record), target.queryKeys, Object.keys(query)),
      status: statusAt(record, "status", "status"),
      latencyMs: durationAt(record, "latencyMs", "latencyMs", "ms"),
      routeId: stringAt(record, "routeId", "routeId", 256),
      serviceId: stringAt(record, "serviceId", "serviceId", 256),
      consumerId: stringAt(record, "consumerId", "consumerId", 256),
      credentialId: stringAt(record, "credentialId", "credentialId", 256),
      credentials: { headers, query },
    });
  },
};

function forwardedFor(record: JsonRecord): string[] {
  const value = field(record, "forwardedFor");
  if (Array.isArray(value)) {
    return value
      .slice(0, 32)
      .map((item) => toText(item, "forwardedFor"))
      .filter((item): item is string => item !== null);
  }
  return splitList(toText(value, "forwardedFor"));
}

function queryKeys(record: JsonRecord): string[] {
  const value = field(record, "queryKeys");
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw invalidField("queryKeys", "expected an array");
  }
  return value
    .slice(0, 100)
    .map((item) => toText(item, "queryKeys", 256))
    .filter((item): item is string => item !== null);
}
