import type { GatewayFormat } from "../gateway-format.js";
import {
  durationAt,
  firstStringAt,
  hasField,
  type JsonRecord,
  statusAt,
  stringAt,
  toText,
} from "./fields.js";
import { fromHeaders, parsedRequest } from "./parsed-request.js";
import { hostWithoutPort, splitTarget } from "./target.js";
import { firstTimestampAt } from "./time.js";

/**
 * Traefik JSON access logs (`accessLog.format: json`).
 *
 * - `Duration` is NANOSECONDS (Go's `time.Duration`), converted to ms here.
 * - `StartUTC` / `StartLocal` are RFC 3339 with nanoseconds; `time` is when
 *   the line was written (second precision), the last fallback.
 * - `ClientHost` is the client IP; `ClientAddr` the same with its port.
 * - `RequestPath` includes the query.
 * - Request headers appear as `request_<Header-Name>` only when
 *   `accessLog.fields.headers` keeps them; a header set to `redact` is
 *   logged as `REDACTED`, which identity ignores.
 */
export const traefikFormat: GatewayFormat = {
  name: "traefik",

  matches(record) {
    return (
      hasField(record, "RequestMethod") ||
      hasField(record, "ClientHost") ||
      hasField(record, "ClientAddr") ||
      hasField(record, "DownstreamStatus")
    );
  },

  parse(record) {
    const headers = requestHeaders(record);
    const target = splitTarget(stringAt(record, "RequestPath", "RequestPath"));
    const common = fromHeaders(headers);

    return parsedRequest("traefik", {
      ts: firstTimestampAt(record, ["StartUTC", "StartLocal", "time"]),
      requestId: common.requestId,
      clientIp: firstStringAt(record, ["ClientHost", "ClientAddr"]),
      forwardedFor: common.forwardedFor,
      userAgent: common.userAgent,
      method: stringAt(record, "RequestMethod", "RequestMethod", 32),
      scheme: stringAt(record, "RequestScheme", "RequestScheme", 16),
      host: hostWithoutPort(stringAt(record, "RequestHost", "RequestHost", 300)),
      path: target.path,
      queryKeys: target.queryKeys,
      status: statusAt(record, "DownstreamStatus", "DownstreamStatus"),
      latencyMs: durationAt(record, "Duration", "Duration", "ns"),
      routeId: stringAt(record, "RouterName", "RouterName", 256),
      serviceId: stringAt(record, "ServiceName", "ServiceName", 256),
      credentials: { headers, query: target.query },
    });
  },
};

function requestHeaders(record: JsonRecord): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const key of Object.keys(record).slice(0, 500)) {
    if (!key.startsWith("request_") || key.length <= 8) {
      continue;
    }
    const value = toText(record[key], "request_*", 8192);
    const name = key.slice(8).toLowerCase();
    if (value !== null && !(name in headers)) {
      headers[name] = value;
    }
  }
  return headers;
}
