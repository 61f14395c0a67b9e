import type { ParsedRequest } from "../gateway-format.js";
import {
  durationAt,
  field,
  firstStringAt,
  hasField,
  isRecord,
  type JsonRecord,
  statusAt,
  stringAt,
  toText,
} from "./fields.js";
import { fromHeaders, parsedRequest } from "./parsed-request.js";
import { hostWithoutPort, parseQuery, splitTarget } from "./target.js";
import { firstTimestampAt } from "./time.js";

/**
 * Reads flat records whose keys are NGINX variable names, as written by an
 * NGINX `log_format ... escape=json` and by APISIX's custom `log_format`
 * (which takes the same variables). Operators choose the key names; this
 * reader knows the conventional ones:
 *
 * - time: `msec` (seconds with ms fraction), `@timestamp` / `time_iso8601`,
 *   `time_local` (Common Log Format), `timestamp`, `time`;
 * - client: `client_ip`, `remote_addr`; `http_x_forwarded_for`;
 * - request: `request_method`, `request_uri` (path + query), or `uri` plus
 *   `args`, or `request` ("GET /p?q HTTP/1.1"); `scheme`, `host`;
 * - `status` (often a string), `request_time` in SECONDS;
 * - headers: every `http_<name>` key is request header `<name>` (`_` → `-`),
 *   so `http_authorization` carries the bearer token when it is logged;
 *   `cookie_<name>` are cookies and `arg_<name>` query parameters.
 */

const TIME_KEYS = ["msec", "@timestamp", "time_iso8601", "timestamp", "time", "time_local"];

const REQUEST_LINE = /^([A-Za-z]{1,16})\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/;

/** Structural test shared by the NGINX and APISIX custom formats. */
export function hasNginxVariables(record: JsonRecord): boolean {
  if (isRecord(field(record, "request"))) {
    return false;
  }
  const hasClient = hasField(record, "remote_addr") || hasField(record, "client_ip");
  const hasRequest =
    hasField(record, "request_uri") || hasField(record, "request") || hasField(record, "uri");
  return hasClient && (hasRequest || TIME_KEYS.some((key) => hasField(record, key)));
}

export function readNginxVariables(record: JsonRecord, gateway: string): ParsedRequest {
  const { headers, cookies, args } = collectPrefixed(record);
  const line = REQUEST_LINE.exec(stringAt(record, "request", "request") ?? "");
  const target = splitTarget(
    stringAt(record, "request_uri", "request_uri") ?? joinUri(record) ?? line?.[2] ?? null,
  );

  const query = { ...args, ...target.query };
  if (cookies.length > 0 && headers.cookie === undefined) {
    headers.cookie = cookies.join("; ");
  }
  const common = fromHeaders(headers);

  return parsedRequest(gateway, {
    ts: firstTimestampAt(record, TIME_KEYS),
    requestId: stringAt(record, "request_id", "request_id", 256) ?? common.requestId,
    clientIp: firstStringAt(record, ["client_ip", "remote_addr"]),
    forwardedFor: common.forwardedFor,
    userAgent: common.userAgent ?? firstStringAt(record, ["user_agent", "agent"]),
    method: firstStringAt(record, ["request_method", "method"], 32) ?? line?.[1] ?? null,
    scheme: stringAt(record, "scheme", "scheme", 16) ?? target.scheme,
    host: hostWithoutPort(firstStringAt(record, ["host", "http_host", "server_name"], 300)),
    path: target.path,
    queryKeys: target.queryKeys,
    status: statusAt(record, "status", "status"),
    latencyMs: hasField(record, "request_time")
      ? durationAt(record, "request_time", "request_time", "s")
      : durationAt(record, "latency", "latency", "ms"),
    routeId: firstStringAt(record, ["route_id", "route_name"], 256),
    serviceId: firstStringAt(record, ["service_id", "service_name"], 256),
    consumerId: firstStringAt(record, ["consumer_name", "consumer"], 256),
    credentials: { headers, query },
  });
}

/** `$uri` is the path alone; `$args` / `$query_string` hold the query. */
function joinUri(record: JsonRecord): string | null {
  const uri = stringAt(record, "uri", "uri");
  if (uri === null) {
    return null;
  }
  const args = firstStringAt(record, ["args", "query_string"]);
  return args ? `${uri}?${args}` : uri;
}

function collectPrefixed(record: JsonRecord): {
  headers: Record<string, string>;
  cookies: string[];
  args: Record<string, string>;
} {
  const headers: Record<string, string> = Object.create(null);
  const args: Record<string, string> = Object.create(null);
  const cookies: string[] = [];

  for (const key of Object.keys(record).slice(0, 500)) {
    const lower = key.toLowerCase();
    if (lower.startsWith("http_") && lower.length > 5) {
      const value = toText(record[key], `${lower.split("_")[0]}_*`);
      if (value !== null) {
        headers[lower.slice(5).replaceAll("_", "-")] = value;
      }
    } else if (lower === "authorization") {
      const value = toText(record[key], "authorization");
      if (value !== null) {
        headers.authorization ??= value;
      }
    } else if (lower.startsWith("cookie_") && lower.length > 7) {
      const value = toText(record[key], `${lower.split("_")[0]}_*`);
      if (value !== null) {
        cookies.push(`${key.slice(7)}=${value}`);
      }
    } else if (lower.startsWith("arg_") && lower.length > 4) {
      const value = toText(record[key], `${lower.split("_")[0]}_*`);
      if (value !== null) {
        parseQuery(`${encodeURIComponent(key.slice(4))}=${encodeURIComponent(value)}`, args);
      }
    }
  }

  return { headers, cookies, args };
}
