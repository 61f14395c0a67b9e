/**
 * Writes examples/gateway-logs.ndjson, the bundled example that the README's
 * quick start replays. It mixes Kong (log serializer) and APISIX
 * (kafka-logger) records shaped like ../shared/samples, over 40 minutes:
 *
 * - "alice" (APISIX, JWT in Authorization): steady use from her laptop, then
 *   the same token is used from many networks at once — shared or stolen;
 * - "bob" (Kong, key-auth `apikey` header): steady use from one office IP;
 * - "carol" (Kong, Authorization redacted by Kong, so keyed by credential id):
 *   a phone and a laptop on two networks, which must not be flagged;
 * - one malformed line, which replay sets aside with its reason.
 *
 * The secrets below are fake and exist only in this example.
 * Run: npx tsx scripts/make-example.ts
 */
import { writeFileSync } from "node:fs";

const START = Date.parse("2026-11-02T09:00:00Z");
const lines: { ts: number; text: string }[] = [];

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

const aliceJwt = [
  b64url({ alg: "RS256", typ: "JWT", kid: "example-key-1" }),
  b64url({
    iss: "https://id.example.com",
    sub: "alice",
    aud: "orders-api",
    jti: "4c1f9a3e-alice-session",
    client_id: "web-app",
    scope: "orders:read orders:write",
    iat: START / 1000 - 600,
    exp: START / 1000 + 8 * 3600,
  }),
  "ZXhhbXBsZS1zaWduYXR1cmUtbm90LXZlcmlmaWVk",
].join(".");

function apisix(ts: number, ip: string, ua: string, path: string): void {
  const record = {
    latency: 18.4,
    request: {
      querystring: {},
      headers: {
        host: "api.example.com",
        "user-agent": ua,
        accept: "application/json",
        authorization: `Bearer ${aliceJwt}`,
        "x-forwarded-proto": "https",
      },
      method: "GET",
      size: 412,
      uri: path,
      url: `https://api.example.com:443${path}`,
    },
    response: { headers: { "content-type": "application/json" }, status: 200, size: 933 },
    route_id: "orders",
    service_id: "orders-svc",
    client_ip: ip,
    server: { hostname: "apisix-0", version: "3.16.0" },
    start_time: ts,
    upstream: "10.0.3.7:8080",
  };
  lines.push({ ts, text: JSON.stringify(record) });
}

function kong(
  ts: number,
  ip: string,
  ua: string,
  headers: Record<string, string>,
  ids: { consumer: string; credential: string },
): void {
  const record = {
    service: {
      id: "167290ee-c682-4ebf-bdea-e49a3ac5e260",
      host: "billing.internal",
      protocol: "http",
    },
    route: {
      id: "78f79740-c410-4fd9-a998-d0a60a99dc9b",
      paths: ["/billing"],
      protocols: ["https"],
    },
    request: {
      querystring: {},
      size: 138,
      uri: "/billing/invoices",
      url: "https://api.example.com:8443/billing/invoices",
      headers: { host: "api.example.com", "user-agent": ua, accept: "*/*", ...headers },
      method: "GET",
    },
    response: { headers: { "content-type": "application/json" }, status: 200, size: 827 },
    latencies: { request: 41, kong: 3, proxy: 38 },
    client_ip: ip,
    authenticated_entity: { id: ids.credential },
    consumer: { id: ids.consumer, username: ids.consumer },
    started_at: ts,
  };
  lines.push({ ts, text: JSON.stringify(record) });
}

const laptop =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const phone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const MIN = 60_000;

// alice: 30 minutes of normal use from home, one request a minute.
for (let m = 0; m < 30; m++) apisix(START + m * MIN + 7_000, "198.51.100.23", laptop, "/orders");

// alice's token then shows up on many networks within three minutes.
const elsewhere = [
  ["203.0.113.50", "python-requests/2.32.3"],
  ["192.0.2.77", "curl/8.7.1"],
  ["2001:db8:4a1:17::9", "Go-http-client/2.0"],
  ["198.18.4.12", "python-requests/2.32.3"],
  ["100.64.22.9", "okhttp/4.12.0"],
  ["203.0.113.201", "curl/8.7.1"],
] as const;
elsewhere.forEach(([ip, ua], i) => {
  apisix(START + 31 * MIN + i * 25_000, ip, ua, "/orders/export");
  apisix(START + 31 * MIN + i * 25_000 + 4_000, "198.51.100.23", laptop, "/orders");
});

// bob: key-auth from the office, every 30 seconds for 40 minutes.
const bob = { consumer: "bob", credential: "9d2b7c1e-5a44-4c1e-8f0e-bob-key-auth" };
for (let s = 0; s < 80; s++) {
  kong(
    START + s * 30_000,
    "192.0.2.10",
    "billing-sync/1.4",
    { apikey: "bob-key-7f3a9c0e55d2" },
    bob,
  );
}

// carol: phone on mobile data and laptop on office Wi-Fi, alternating.
const carol = { consumer: "carol", credential: "c62c1455-9b1d-4f2d-8797-509ba83b8ae8" };
for (let m = 0; m < 40; m += 2) {
  kong(START + m * MIN + 11_000, "203.0.113.10", laptop, { authorization: "REDACTED" }, carol);
  kong(START + m * MIN + 41_000, "198.51.100.140", phone, { authorization: "REDACTED" }, carol);
}

lines.sort((a, b) => a.ts - b.ts);
const text = lines.map((line) => line.text);
text.splice(40, 0, '{"request": {"method": "GET", "uri": "/orders"}, "truncated');
writeFileSync("examples/gateway-logs.ndjson", `${text.join("\n")}\n`);
console.log(`wrote ${text.length} lines to examples/gateway-logs.ndjson`);
