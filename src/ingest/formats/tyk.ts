import type { GatewayFormat } from "../gateway-format.js";
import { durationAt, firstStringAt, hasField, objectAt, statusAt, stringAt } from "./fields.js";
import { fromHeaders, parsedRequest } from "./parsed-request.js";
import { decodeRawRequest } from "./raw-http.js";
import { hostWithoutPort, splitTarget } from "./target.js";
import { timestampAt } from "./time.js";

/**
 * Tyk analytics records: the full record of the analytics pumps and the
 * subset the Kafka pump sends (same field names).
 *
 * - `timestamp` is ISO 8601 with nanoseconds; `request_time` is ms.
 * - `api_key` is the key the request used: in clear, hashed (when
 *   `hash_keys` is on — still stable per key) or obfuscated (`****abcd`,
 *   which is not unique and is ignored by identity). It is passed to identity
 *   as the gateway key, never kept.
 * - `raw_request` is the base64 of the raw HTTP request when detailed
 *   recording is on; its headers (Authorization, cookies) and query are read.
 * - `oauth_id` is the OAuth client; `alias` the key's alias.
 */
export const tykFormat: GatewayFormat = {
  name: "tyk",

  matches(record) {
    return (
      hasField(record, "api_id") &&
      (hasField(record, "ip_address") ||
        hasField(record, "api_key") ||
        hasField(record, "raw_request"))
    );
  },

  parse(record) {
    const raw = decodeRawRequest(stringAt(record, "raw_request", "raw_request", 1 << 22) ?? "");
    const headers: Record<string, string> = raw?.headers ?? Object.create(null);
    const logged = splitTarget(firstStringAt(record, ["raw_path", "path"]));
    const rawTarget = splitTarget(raw?.target ?? null);
    const common = fromHeaders(headers);

    return parsedRequest("tyk", {
      ts: timestampAt(record, "timestamp", "timestamp"),
      requestId: common.requestId,
      clientIp: stringAt(record, "ip_address", "ip_address"),
      forwardedFor: common.forwardedFor,
      userAgent: stringAt(record, "user_agent", "user_agent") ?? common.userAgent,
      method: stringAt(record, "method", "method", 32) ?? raw?.method ?? null,
      host: hostWithoutPort(stringAt(record, "host", "host", 300) ?? headers.host ?? null),
      path: logged.path ?? rawTarget.path,
      queryKeys: logged.queryKeys.length > 0 ? logged.queryKeys : rawTarget.queryKeys,
      status: statusAt(record, "response_code", "response_code"),
      latencyMs:
        durationAt(record, "request_time", "request_time", "ms") ??
        durationAt(objectAt(record, "latency", "latency"), "total", "latency.total", "ms"),
      routeId: stringAt(record, "api_id", "api_id", 256),
      consumerId: firstStringAt(record, ["oauth_id", "alias"], 256),
      credentials: {
        headers,
        query: { ...rawTarget.query, ...logged.query },
        gatewayKey: stringAt(record, "api_key", "api_key", 8192),
      },
    });
  },
};
