import type { GatewayFormat } from "../gateway-format.js";
import {
  durationAt,
  field,
  hasField,
  headerMap,
  isRecord,
  type JsonRecord,
  objectAt,
  queryMap,
  statusAt,
  stringAt,
} from "./fields.js";
import { fromHeaders, parsedRequest } from "./parsed-request.js";
import { hostWithoutPort, mergeKeys, splitTarget } from "./target.js";
import { timestampAt } from "./time.js";

/**
 * Kong's log serializer, as written by the http-log, kafka-log, tcp-log and
 * file-log plugins.
 *
 * - `started_at` is epoch ms; `latencies.request` is ms.
 * - `request.headers.authorization` is replaced by `"REDACTED"`, but API-key
 *   headers (`apikey`) and `?apikey=` in `request.uri` and
 *   `request.querystring` are logged in clear.
 * - `request.querystring` values are `true` for a bare `?flag` and arrays
 *   for repeated parameters.
 * - `authenticated_entity.id` is the credential (key-auth key, JWT secret,
 *   OAuth2 token) id; `consumer.id` is the consumer.
 */
export const kongFormat: GatewayFormat = {
  name: "kong",

  matches(record) {
    return (
      isRecord(field(record, "request")) &&
      (hasField(record, "started_at") ||
        hasField(record, "latencies") ||
        hasField(record, "upstream_uri"))
    );
  },

  parse(record) {
    const request = objectAt(record, "request", "request");
    const response = objectAt(record, "response", "response");
    const headers = headerMap(field(request, "headers"), "request.headers");
    const querystring = queryMap(field(request, "querystring"), "request.querystring");

    const uri = splitTarget(stringAt(request, "uri", "request.uri"));
    const url = splitTarget(stringAt(request, "url", "request.url"));
    const query = { ...uri.query, ...url.query, ...querystring };
    const common = fromHeaders(headers);

    return parsedRequest("kong", {
      ts: timestampAt(record, "started_at", "started_at"),
      requestId:
        stringAt(request, "id", "request.id") ?? common.requestId ?? kongRequestId(response),
      clientIp: stringAt(record, "client_ip", "client_ip"),
      forwardedFor: common.forwardedFor,
      userAgent: common.userAgent,
      method: stringAt(request, "method", "request.method"),
      scheme: url.scheme,
      host: url.host ?? hostWithoutPort(headers.host ?? null),
      path: uri.path ?? url.path,
      queryKeys: mergeKeys(Object.keys(querystring), uri.queryKeys, url.queryKeys),
      status: statusAt(response, "status", "response.status"),
      latencyMs: durationAt(
        objectAt(record, "latencies", "latencies"),
        "request",
        "latencies.request",
        "ms",
      ),
      routeId: idOf(record, "route"),
      serviceId: idOf(record, "service"),
      consumerId: idOf(record, "consumer"),
      credentialId: idOf(record, "authenticated_entity"),
      credentials: { headers, query },
    });
  },
};

function idOf(record: JsonRecord, key: string): string | null {
  return stringAt(objectAt(record, key, key), "id", `${key}.id`, 256);
}

/** Kong 3.x echoes its request id in a response header when `headers` includes it. */
function kongRequestId(response: JsonRecord | null): string | null {
  const headers = headerMap(field(response, "headers"), "response.headers");
  return headers["x-kong-request-id"] ?? null;
}
