import type { GatewayFormat } from "../gateway-format.js";
import { durationAt, firstStringAt, hasField, splitList, statusAt, stringAt } from "./fields.js";
import { parsedRequest } from "./parsed-request.js";
import { hostWithoutPort, splitTarget } from "./target.js";
import { timestampAt } from "./time.js";

/**
 * Envoy JSON access logs, in Istio's default field names
 * (`meshConfig.accessLogEncoding: JSON`).
 *
 * Two variants exist: typed (`json_format` with numbers and `null`) and the
 * legacy one where every value is a string and `-` means unset; the field
 * readers accept both.
 * - `start_time` is ISO 8601; `duration` is ms.
 * - `downstream_remote_address` carries the port (`192.0.2.10:4767`); it is
 *   the client as Envoy resolved it (after `xff_num_trusted_hops`).
 * - `path` includes the query; `authority` is the Host.
 * - Envoy logs no request headers by default; operators who add
 *   `"authorization": "%REQ(AUTHORIZATION)%"` (or `x-api-key`, `cookie`) get
 *   them read as credentials.
 */
export const envoyIstioFormat: GatewayFormat = {
  name: "envoy-istio",

  matches(record) {
    return (
      hasField(record, "downstream_remote_address") ||
      (hasField(record, "authority") && hasField(record, "response_code"))
    );
  },

  parse(record) {
    const target = splitTarget(firstStringAt(record, ["path", "x_envoy_original_path"]));
    const headers: Record<string, string> = Object.create(null);
    for (const name of ["authorization", "x-api-key", "apikey", "cookie"]) {
      const key = name.replaceAll("-", "_");
      const value = stringAt(record, key, key, 8192);
      if (value !== null) {
        headers[name] = value;
      }
    }

    return parsedRequest("envoy-istio", {
      ts: timestampAt(record, "start_time", "start_time"),
      requestId: stringAt(record, "request_id", "request_id", 256),
      clientIp: firstStringAt(record, ["downstream_remote_address", "downstream_peer_address"]),
      forwardedFor: splitList(stringAt(record, "x_forwarded_for", "x_forwarded_for")),
      userAgent: stringAt(record, "user_agent", "user_agent"),
      method: stringAt(record, "method", "method", 32),
      scheme: stringAt(record, "scheme", "scheme", 16),
      host: hostWithoutPort(stringAt(record, "authority", "authority", 300)),
      path: target.path,
      queryKeys: target.queryKeys,
      status: statusAt(record, "response_code", "response_code"),
      latencyMs: durationAt(record, "duration", "duration", "ms"),
      routeId: stringAt(record, "route_name", "route_name", 256),
      serviceId: stringAt(record, "upstream_cluster", "upstream_cluster", 256),
      credentials: { headers, query: target.query },
    });
  },
};
