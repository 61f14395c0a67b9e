import type { SimRequest } from "./traffic-model.js";

/*
 * Shape a simulated request the way each gateway logs it, following the
 * real samples in test/fixtures/formats. Where a gateway hides the bearer
 * token (Kong logs `Authorization` as REDACTED), the token travels the way
 * that gateway's users send keys it can see: Kong's key-auth `apikey`.
 */

/** The formats the simulator writes. */
export const SIM_FORMATS = ["canonical", "kong", "apisix"] as const;
export type SimFormat = (typeof SIM_FORMATS)[number];

const HOST = "api.example.com";

/** One log record for `request`; `seq` numbers requests for their ids. */
export function formatRecord(format: SimFormat, request: SimRequest, seq: number): object {
  switch (format) {
    case "kong":
      return kongRecord(request, seq);
    case "apisix":
      return apisixRecord(request, seq);
    case "canonical":
      return canonicalRecord(request, seq);
  }
}

function canonicalRecord(r: SimRequest, seq: number): object {
  const inQuery = r.location === "query";
  return {
    ts: r.ts,
    clientIp: r.ip,
    gateway: "simulator",
    requestId: `sim-${seq}`,
    userAgent: r.userAgent,
    method: r.method,
    scheme: r.scheme,
    host: HOST,
    path: r.path,
    status: r.status,
    latencyMs: r.latencyMs,
    routeId: routeOf(r.path),
    ...(inQuery
      ? { query: { access_token: r.token.secret } }
      : { headers: { authorization: `Bearer ${r.token.secret}` } }),
  };
}

function kongRecord(r: SimRequest, seq: number): object {
  const inQuery = r.location === "query";
  const uri = inQuery ? `${r.path}?apikey=${r.token.secret}` : r.path;
  const headers: Record<string, string> = {
    host: HOST,
    "user-agent": r.userAgent,
    accept: "application/json",
    ...(inQuery ? {} : { apikey: r.token.secret }),
  };
  return {
    request: {
      method: r.method,
      uri,
      url: `${r.scheme}://${HOST}${uri}`,
      size: 210,
      querystring: inQuery ? { apikey: r.token.secret } : {},
      headers,
    },
    response: {
      status: r.status,
      size: 512,
      headers: { "content-type": "application/json", "x-kong-request-id": `sim-${seq}` },
    },
    route: { id: routeOf(r.path), paths: ["/v1"], protocols: ["http", "https"] },
    service: { id: "orders-service", host: "orders.internal", port: 8080, protocol: "http" },
    latencies: { request: r.latencyMs, kong: 2, proxy: Math.max(0, r.latencyMs - 2) },
    client_ip: r.ip,
    upstream_uri: r.path,
    started_at: r.ts,
  };
}

function apisixRecord(r: SimRequest, seq: number): object {
  const inQuery = r.location === "query";
  const uri = inQuery ? `${r.path}?access_token=${r.token.secret}` : r.path;
  return {
    start_time: r.ts,
    client_ip: r.ip,
    route_id: routeOf(r.path),
    service_id: "",
    latency: r.latencyMs + 0.25,
    upstream_latency: Math.max(0, r.latencyMs - 2),
    apisix_latency: 2,
    request: {
      method: r.method,
      uri,
      url: `${r.scheme}://${HOST}${uri}`,
      size: 190,
      querystring: inQuery ? { access_token: r.token.secret } : {},
      headers: {
        host: HOST,
        "user-agent": r.userAgent,
        accept: "application/json",
        "x-request-id": `sim-${seq}`,
        ...(inQuery ? {} : { authorization: `Bearer ${r.token.secret}` }),
      },
    },
    response: { status: r.status, size: 480, headers: { "content-type": "application/json" } },
    server: { hostname: "apisix-sim", version: "3.16.0" },
    upstream: "10.0.0.12:8080",
  };
}

function routeOf(path: string): string {
  if (path === "/health") return "health";
  return path.split("/")[2] ?? "root";
}
