import { int, type Rng } from "./seeded-rng.js";
import { unsignedJwt } from "./support.js";

/**
 * Fresh, token-like secrets planted wherever each gateway logs credentials,
 * for the normalize fuzz test: every planted value must stay out of every
 * event and every dead letter.
 */

type JsonObject = Record<string, unknown>;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A token-like secret: 24–48 characters, always with upper case, lower case and digits. */
export function plantedSecret(rng: Rng): string {
  let body = "";
  const length = 21 + int(rng, 25);
  for (let i = 0; i < length; i++) {
    body += ALPHABET[int(rng, ALPHABET.length)];
  }
  return `Q${body}z${int(rng, 10)}`;
}

/** Sets (or deletes, for `undefined`) a dot-separated path in place; creates parents. */
export function setField(record: JsonObject, path: string, value: unknown): void {
  const keys = path.split(".");
  const last = keys.pop() as string;

  let node = record;
  for (const key of keys) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) {
      node[key] = {};
    }
    node = node[key] as JsonObject;
  }

  if (value === undefined) {
    delete node[last];
  } else {
    node[last] = value;
  }
}

export interface Planted {
  readonly record: JsonObject;
  readonly secrets: readonly string[];
}

const baseText = new WeakMap<JsonObject, string>();

/** Copies `base` (via its cached JSON text: cheaper than structuredClone) and applies `edits`. */
function plant(base: JsonObject, secrets: string[], edits: JsonObject): Planted {
  let text = baseText.get(base);
  if (text === undefined) {
    text = JSON.stringify(base);
    baseText.set(base, text);
  }
  const record = JSON.parse(text) as JsonObject;
  for (const [path, value] of Object.entries(edits)) {
    setField(record, path, value);
  }
  return { record, secrets };
}

function jwtSecret(rng: Rng): string {
  return unsignedJwt({ sub: plantedSecret(rng), jti: plantedSecret(rng), exp: 1900000000 });
}

function rawRequest(lines: string[]): string {
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`).toString("base64");
}

type Planter = (base: JsonObject, rng: Rng) => Planted;

/** Puts fresh secrets wherever each gateway logs credentials. */
export const PLANTERS: Record<string, Planter> = {
  kong(base, rng) {
    const [a, b] = [plantedSecret(rng), plantedSecret(rng)];
    return plant(base, [a, b], {
      "request.headers.apikey": a,
      "request.headers.authorization": "REDACTED",
      "request.uri": `/log?apikey=${b}&page=1`,
      "request.querystring": { apikey: b, page: "1" },
    });
  },
  apisix(base, rng) {
    const [jwt, b] = [jwtSecret(rng), plantedSecret(rng)];
    return plant(base, [jwt, b], {
      "request.headers.authorization": `Bearer ${jwt}`,
      "request.uri": `/get?access_token=${b}`,
      "request.url": `http://127.0.0.1:9080/get?access_token=${b}`,
      "request.querystring": { access_token: b },
    });
  },
  "apisix-custom"(base, rng) {
    const [a, b] = [plantedSecret(rng), plantedSecret(rng)];
    return plant(base, [a, b], {
      http_authorization: `Bearer ${a}`,
      request_uri: `/v2/payments?token=${b}`,
    });
  },
  "envoy-istio"(base, rng) {
    const [a, b] = [jwtSecret(rng), plantedSecret(rng)];
    return plant(base, [a, b], {
      authorization: `Bearer ${a}`,
      path: `/wrongpath?access_token=${b}`,
    });
  },
  tyk(base, rng) {
    const [a, b, c] = [plantedSecret(rng), plantedSecret(rng), plantedSecret(rng)];
    const raw = ["GET /get HTTP/1.1", "Host: x", `Authorization: Bearer ${b}`, `Cookie: sid=${c}`];
    return plant(base, [a, b, c], {
      api_key: a,
      tags: [`key-${a}`, "api-845b8ed1ae964ea5a6eccab6abf3f3de"],
      raw_request: rawRequest(raw),
    });
  },
  traefik(base, rng) {
    const [a, b, c] = [plantedSecret(rng), plantedSecret(rng), plantedSecret(rng)];
    return plant(base, [a, b, c], {
      request_Authorization: `Bearer ${a}`,
      RequestPath: `/foo?apikey=${b}`,
      request_Cookie: `session=${c}`,
    });
  },
  nginx(base, rng) {
    const secrets = [
      plantedSecret(rng),
      plantedSecret(rng),
      plantedSecret(rng),
      plantedSecret(rng),
    ];
    const [a, b, c, d] = secrets;
    return plant(base, secrets, {
      http_authorization: `Bearer ${a}`,
      request_uri: `/v1/orders?access_token=${b}`,
      http_x_api_key: c,
      http_cookie: `theme=dark; sid=${d}`,
    });
  },
  "aws-apigateway"(base, rng) {
    const [a, b] = [plantedSecret(rng), jwtSecret(rng)];
    return plant(base, [a, b], { apiKey: a, authorization: `Bearer ${b}` });
  },
  apinto(base, rng) {
    const [a, b, c] = [plantedSecret(rng), plantedSecret(rng), plantedSecret(rng)];
    return plant(base, [a, b, c], {
      request_header: `Authorization=Bearer+${a}&X-Api-Key=${b}`,
      request_uri: `/orders/list?apikey=${c}`,
    });
  },
  canonical(base, rng) {
    const secrets = [jwtSecret(rng), plantedSecret(rng), plantedSecret(rng), plantedSecret(rng)];
    const [a, b, c, d] = secrets;
    return plant(base, secrets, {
      headers: { authorization: `Bearer ${a}`, cookie: `sid=${b}` },
      query: { token: c },
      path: `/v1/me?access_token=${d}`,
    });
  },
};
