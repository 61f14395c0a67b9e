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
  toText,
} from "./fields.js";
import { fromHeaders, parsedRequest } from "./parsed-request.js";
import { hostWithoutPort, mergeKeys, splitTarget } from "./target.js";
import { timestampAt } from "./time.js";

/**
 * APISIX's default log entry (kafka-logger, http-logger and friends with
 * `meta_format: default` and no `log_format`).
 *
 * - `start_time` is epoch ms; `latency` is the total in ms (a float).
 * - `request.headers` holds every request header, `authorization` included,
 *   so bearer tokens arrive in clear.
 * - `request.uri` is path plus query; `request.url` the full URL (scheme).
 * - `service_id` is `""` when the route has no service.
 * - `consumer.username` is set when an auth plugin matched a consumer.
 */
export const apisixFormat: GatewayFormat = {
  name: "apisix",

  matches(record) {
    return (
      typeof field(record, "start_time") === "number" &&
      isRecord(field(record, "request")) &&
      (hasField(record, "client_ip") || hasField(record, "route_id"))
    );
  },

  parse(record) {
    const request = objectAt(record, "request", "request");
    const response = objectAt(record, "response", "response");
    const headers = headerMap(field(request, "headers"), "request.headers");
    const querystring = queryMap(field(request, "querystring"), "request.querystring");

    const uri = splitTarget(stringAt(request, "uri", "request.uri"));
    const url = splitTarget(stringAt(request, "url", "request.url"));
    const common = fromHeaders(headers);

    return parsedRequest("apisix", {
      ts: timestampAt(record, "start_time", "start_time"),
      requestId: common.requestId,
      clientIp: stringAt(record, "client_ip", "client_ip"),
      forwardedFor: common.forwardedFor,
      userAgent: common.userAgent,
      method: stringAt(request, "method", "request.method"),
      scheme: url.scheme,
      host: hostWithoutPort(headers.host ?? null) ?? url.host,
      path: uri.path ?? url.path,
      queryKeys: mergeKeys(Object.keys(querystring), uri.queryKeys, url.queryKeys),
      status: statusAt(response, "status", "response.status"),
      latencyMs: durationAt(record, "latency", "latency", "ms"),
      routeId: stringAt(record, "route_id", "route_id", 256),
      serviceId: stringAt(record, "service_id", "service_id", 256),
      consumerId: consumerName(record),
      credentials: { headers, query: { ...uri.query, ...url.query, ...querystring } },
    });
  },
};

/** Older releases logged `consumer` as the bare username; newer ones as an object. */
function consumerName(record: JsonRecord): string | null {
  const consumer = field(record, "consumer");
  if (isRecord(consumer)) {
    return stringAt(consumer, "username", "consumer.username", 256);
  }
  return toText(consumer, "consumer", 256);
}
