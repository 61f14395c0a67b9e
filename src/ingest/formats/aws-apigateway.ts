import type { GatewayFormat } from "../gateway-format.js";
import {
  durationAt,
  field,
  firstStringAt,
  hasField,
  isRecord,
  type JsonRecord,
  objectAt,
  splitList,
  statusAt,
  stringAt,
} from "./fields.js";
import { parsedRequest } from "./parsed-request.js";
import { hostWithoutPort, splitTarget } from "./target.js";
import { timestampAt } from "./time.js";

/**
 * AWS API Gateway access logs (REST and HTTP APIs) in the JSON layout of the
 * console's example, whose keys name `$context` variables.
 *
 * - `requestTimeEpoch` is epoch ms; `requestTime` is Common Log Format.
 * - Numbers are strings (`"status": "200"`); unset values are `"-"`.
 * - `responseLatency` (REST) and `responseLatency`/`integrationLatency`
 *   (HTTP APIs) are ms.
 * - `apiKeyId` is the API key's id: a credential id. `apiKey` is the key
 *   masked to its last characters, which identity ignores.
 * - `caller` / `user` are IAM principals; an authorizer's `principalId`
 *   or `authorizer.claims.sub` may name the consumer instead.
 */
export const awsApiGatewayFormat: GatewayFormat = {
  name: "aws-apigateway",

  matches(record) {
    return (
      hasField(record, "requestId") &&
      (hasField(record, "httpMethod") ||
        hasField(record, "requestTime") ||
        hasField(record, "requestTimeEpoch") ||
        hasField(record, "routeKey"))
    );
  },

  parse(record) {
    const target = splitTarget(firstStringAt(record, ["path", "resourcePath"]));
    const headers: Record<string, string> = Object.create(null);
    const authorization = stringAt(record, "authorization", "authorization", 8192);
    if (authorization !== null) {
      headers.authorization = authorization;
    }

    return parsedRequest("aws-apigateway", {
      ts:
        timestampAt(record, "requestTimeEpoch", "requestTimeEpoch") ??
        timestampAt(record, "requestTime", "requestTime"),
      requestId: stringAt(record, "requestId", "requestId", 256),
      clientIp: firstStringAt(record, ["ip", "sourceIp"]),
      forwardedFor: splitList(stringAt(record, "xForwardedFor", "xForwardedFor")),
      userAgent: stringAt(record, "userAgent", "userAgent"),
      method: stringAt(record, "httpMethod", "httpMethod", 32),
      scheme: "https",
      host: hostWithoutPort(stringAt(record, "domainName", "domainName", 300)),
      path: target.path,
      queryKeys: target.queryKeys,
      status: statusAt(record, "status", "status"),
      latencyMs:
        durationAt(record, "responseLatency", "responseLatency", "ms") ??
        durationAt(record, "integrationLatency", "integrationLatency", "ms"),
      routeId: firstStringAt(record, ["routeKey", "resourceId", "resourcePath"], 256),
      serviceId: firstStringAt(record, ["apiId", "stage"], 256),
      consumerId: consumer(record),
      credentialId: stringAt(record, "apiKeyId", "apiKeyId", 256),
      credentials: {
        headers,
        query: target.query,
        gatewayKey: stringAt(record, "apiKey", "apiKey", 8192),
      },
    });
  },
};

function consumer(record: JsonRecord): string | null {
  const authorizer = objectAt(record, "authorizer", "authorizer");
  const claims = field(authorizer, "claims");
  return (
    firstStringAt(record, ["user", "caller", "principalId"], 256) ??
    stringAt(authorizer, "principalId", "authorizer.principalId", 256) ??
    (isRecord(claims) ? stringAt(claims, "sub", "authorizer.claims.sub", 256) : null)
  );
}
