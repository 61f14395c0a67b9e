import type { GatewayFormat } from "../gateway-format.js";
import {
  durationAt,
  field,
  firstStringAt,
  hasField,
  headerMap,
  isRecord,
  type JsonRecord,
  objectAt,
  statusAt,
  stringAt,
} from "./fields.js";
import { fromHeaders, parsedRequest } from "./parsed-request.js";
import { hostWithoutPort, mergeKeys, splitTarget } from "./target.js";
import { firstTimestampAt } from "./time.js";

/**
 * Apinto's JSON formatter output (kafka_output with `type: json`), in the two
 * layouts seen in practice:
 *
 * - APIPark's flat layout (the formatter APIPark installs for its log
 *   drivers): `msec` (epoch ms), `src_ip` (real client IP), `remote_addr`,
 *   `request_method`, `request_scheme`, `request_host`, `request_uri` (Apinto
 *   `$url`: path and query, sometimes the whole URL), `request_header`,
 *   `status`, `request_time` (ms), `request_id`, `api` (route), `service` /
 *   `provider`, `application` (consumer) and `authorization` — the id of the
 *   application's authorization, a credential id, not the secret;
 * - the nested layout of Apinto's documentation example: `time_iso8601`,
 *   `request_id`, `request: {request_method, scheme, request_uri, host,
 *   header, remote_addr}`, `status_code: {status, proxy_status}`,
 *   `time: {request_time, response_time}`.
 *
 * `$header` is the request headers URL-encoded (Go `url.Values.Encode`:
 * `Authorization=Bearer+x&User-Agent=curl%2F8.0`); `$headers` (newer
 * releases) is a map with lower-case names. Apinto's `request_time` is ms in
 * the code although older docs say seconds; ms is used.
 */
export const apintoFormat: GatewayFormat = {
  name: "apinto",

  matches(record) {
    if (hasField(record, "src_ip") || hasField(record, "request_header")) {
      return true;
    }
    const request = field(record, "request");
    return (
      isRecord(request) && (hasField(request, "request_method") || hasField(record, "status_code"))
    );
  },

  parse(record) {
    const nested = objectAt(record, "request", "request") ?? record;
    const headers = apintoHeaders(nested);
    const target = splitTarget(firstStringAt(nested, ["request_uri", "uri", "url"]));
    const common = fromHeaders(headers);
    const statusCode = objectAt(record, "status_code", "status_code") ?? record;
    const time = objectAt(record, "time", "time") ?? record;

    return parsedRequest("apinto", {
      ts: firstTimestampAt(record, ["msec", "time_iso8601", "timestamp", "time_local"]),
      requestId: stringAt(record, "request_id", "request_id", 256) ?? common.requestId,
      clientIp:
        stringAt(record, "src_ip", "src_ip") ??
        stringAt(nested, "remote_addr", "remote_addr") ??
        stringAt(record, "remote_addr", "remote_addr"),
      forwardedFor: common.forwardedFor,
      userAgent: common.userAgent,
      method: firstStringAt(nested, ["request_method", "method"], 32),
      scheme: firstStringAt(nested, ["request_scheme", "scheme"], 16) ?? target.scheme,
      host: hostWithoutPort(firstStringAt(nested, ["request_host", "host"], 300)) ?? target.host,
      path: target.path,
      queryKeys: mergeKeys(target.queryKeys),
      status: statusAt(statusCode, "status", "status"),
      latencyMs: durationAt(time, "request_time", "request_time", "ms"),
      routeId: stringAt(record, "api", "api", 256),
      serviceId: firstStringAt(record, ["service", "provider"], 256),
      consumerId: stringAt(record, "application", "application", 256),
      credentialId: stringAt(record, "authorization", "authorization", 256),
      credentials: { headers, query: target.query },
    });
  },
};

function apintoHeaders(request: JsonRecord): Record<string, string> {
  const map = field(request, "headers");
  if (map !== undefined) {
    return headerMap(map, "headers");
  }

  const headers: Record<string, string> = Object.create(null);
  const encoded = firstStringAt(request, ["request_header", "header"], 1 << 16);
  if (encoded === null) {
    return headers;
  }
  for (const [name, value] of new URLSearchParams(encoded)) {
    const lower = name.toLowerCase();
    if (lower !== "" && !(lower in headers)) {
      headers[lower] = value;
    }
  }
  return headers;
}
