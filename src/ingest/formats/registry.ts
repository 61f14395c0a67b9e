import type { GatewayFormat } from "../gateway-format.js";
import { apintoFormat } from "./apinto.js";
import { apisixFormat } from "./apisix.js";
import { apisixCustomFormat } from "./apisix-custom.js";
import { awsApiGatewayFormat } from "./aws-apigateway.js";
import { canonicalFormat } from "./canonical.js";
import { envoyIstioFormat } from "./envoy-istio.js";
import type { JsonRecord } from "./fields.js";
import { kongFormat } from "./kong.js";
import { nginxFormat } from "./nginx.js";
import { traefikFormat } from "./traefik.js";
import { tykFormat } from "./tyk.js";

/**
 * Every format, in auto-detection order. Each `matches` is a cheap test on
 * top-level keys; the first format that matches parses the record. The order
 * puts the most specific signatures first:
 *
 * 1. canonical — `clientIp`, or `ts` with another canonical camelCase field (no gateway does);
 * 2. kong — a `request` object with `started_at`, `latencies` or `upstream_uri`;
 * 3. apisix — numeric `start_time`, a `request` object, `client_ip`/`route_id`;
 * 4. tyk — `api_id` with `ip_address`, `api_key` or `raw_request`;
 * 5. traefik — PascalCase `RequestMethod`, `ClientHost`, `ClientAddr`, `DownstreamStatus`;
 * 6. envoy-istio — `downstream_remote_address`, or `authority` with `response_code`;
 * 7. aws-apigateway — `requestId` with `httpMethod`/`requestTime`/`requestTimeEpoch`/`routeKey`;
 * 8. apinto — `src_ip`/`request_header`, or a nested `request.request_method`;
 * 9. apisix-custom — flat record with `client_ip`, `route_id` or `service_id`;
 * 10. nginx — `remote_addr`/`client_ip` with a request or time variable (`request` not an object).
 *
 * The two flat, operator-defined layouts come last because their tests are
 * the loosest.
 */
export const FORMATS: readonly GatewayFormat[] = [
  canonicalFormat,
  kongFormat,
  apisixFormat,
  tykFormat,
  traefikFormat,
  envoyIstioFormat,
  awsApiGatewayFormat,
  apintoFormat,
  apisixCustomFormat,
  nginxFormat,
];

/** Names accepted by `--format` and `kafka.formats`. */
export const FORMAT_NAMES: readonly string[] = FORMATS.map((format) => format.name);

const BY_NAME = new Map(FORMATS.map((format) => [format.name, format]));

/** The format called `name`, or `undefined`. */
export function formatByName(name: string): GatewayFormat | undefined {
  return BY_NAME.get(name);
}

/** The first format whose structural test accepts the record, or `null`. */
export function detectFormat(record: JsonRecord): GatewayFormat | null {
  for (const format of FORMATS) {
    if (format.matches(record)) {
      return format;
    }
  }
  return null;
}
