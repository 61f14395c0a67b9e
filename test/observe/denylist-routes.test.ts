import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { pino } from "pino";
import type { DenylistEntry } from "../../src/act/denylist.js";
import { requestFingerprints } from "../../src/act/request-fingerprint.js";
import { configSchema } from "../../src/config/schema.js";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import { HttpServer } from "../../src/observe/http-server.js";
import { Metrics } from "../../src/observe/metrics.js";

const fingerprinter = new Fingerprinter("denylist-route-test-key-000001");
const REVOKED_TOKEN = "revoked-token-value-PLANTED-1";
const REVOKED_FP = fingerprinter.fingerprint(REVOKED_TOKEN);
const ENTRY: DenylistEntry = {
  v: 1,
  decisionId: "decision-9",
  ruleId: "many-networks-short-window",
  revokedAt: 1_793_611_935_000,
  denyUntil: 1_793_640_000,
  publishedAt: 1_793_611_936_000,
};
const identity = configSchema.parse({ identity: { cookies: ["tw_session"] } }).identity;
/** Credentials per denylist lookup, in order: each request should cost one. */
const lookups: number[] = [];
let server: HttpServer;
let base: string;

before(async () => {
  server = new HttpServer(new Metrics(), async () => null, pino({ level: "silent" }), {
    getMany: async (fps) => {
      lookups.push(fps.length);
      return fps.map((fp) => (fp === REVOKED_FP ? ENTRY : null));
    },
    fingerprintRequest: (request) => requestFingerprints(request, identity, fingerprinter),
  });
  base = `http://127.0.0.1:${await server.listen("127.0.0.1", 0)}`;
});

after(async () => {
  await server.close();
});

test("GET /v1/denylist/<fp> answers 200 with the entry for a denied token", async () => {
  const response = await fetch(`${base}/v1/denylist/${REVOKED_FP}`);

  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { token: REVOKED_FP, denied: true, ...ENTRY });
});

test("GET /v1/denylist/<fp> answers 404 when not denied and 400 for garbage", async () => {
  const allowed = await fetch(`${base}/v1/denylist/${"a".repeat(22)}`);
  const garbage = await fetch(`${base}/v1/denylist/not-a-fingerprint`);

  assert.equal(allowed.status, 404);
  assert.deepEqual(await allowed.json(), { token: "a".repeat(22), denied: false });
  assert.equal(garbage.status, 400);
});

test("ext-authz denies a revoked bearer token with 403 and allows others", async () => {
  const denied = await fetch(`${base}/v1/ext-authz/orders/42`, {
    headers: { authorization: `Bearer ${REVOKED_TOKEN}` },
  });
  const allowed = await fetch(`${base}/v1/ext-authz/orders/42`, {
    method: "POST",
    headers: { authorization: "Bearer some-other-token-value" },
  });
  const byApiKey = await fetch(`${base}/v1/ext-authz`, { headers: { apikey: REVOKED_TOKEN } });
  const anonymous = await fetch(`${base}/v1/ext-authz/`);

  assert.equal(denied.status, 403);
  const body = await denied.json();
  assert.deepEqual(body, { error: "token revoked", token: REVOKED_FP, decisionId: "decision-9" });
  assert.equal(JSON.stringify(body).includes(REVOKED_TOKEN), false);
  assert.equal(allowed.status, 200);
  assert.equal(byApiKey.status, 403);
  assert.equal(anonymous.status, 200);
});

test("ext-authz denies a revoked token in the forwarded path's query (Envoy)", async () => {
  const query = `access_token=${encodeURIComponent(REVOKED_TOKEN)}`;

  const denied = await fetch(`${base}/v1/ext-authz/v1/s?${query}`);
  const other = await fetch(`${base}/v1/ext-authz/v1/s?access_token=some-other-token-value`);
  const body = await denied.text();

  assert.equal(denied.status, 403);
  assert.deepEqual(JSON.parse(body), {
    error: "token revoked",
    token: REVOKED_FP,
    decisionId: "decision-9",
  });
  assert.equal(body.includes(REVOKED_TOKEN), false);
  assert.equal(other.status, 200);
  assert.equal(await other.text(), "allowed\n");
});

test("ext-authz reads the query of X-Forwarded-Uri and X-Original-URI", async () => {
  const target = `/x?access_token=${encodeURIComponent(REVOKED_TOKEN)}`;

  const apisix = await fetch(`${base}/v1/ext-authz`, { headers: { "x-forwarded-uri": target } });
  const nginx = await fetch(`${base}/v1/ext-authz`, { headers: { "x-original-uri": target } });
  const byApiKeyParam = await fetch(`${base}/v1/ext-authz`, {
    headers: { "x-forwarded-uri": `/orders?apikey=${REVOKED_TOKEN}&page=2` },
  });
  const clean = await fetch(`${base}/v1/ext-authz`, { headers: { "x-forwarded-uri": "/x?a=1" } });

  assert.deepEqual(
    [apisix.status, nginx.status, byApiKeyParam.status, clean.status],
    [403, 403, 403, 200],
  );
  assert.equal(await clean.text(), "no credential\n");
});

test("ext-authz denies when any presented credential is revoked, cookies included", async () => {
  const hiddenInQuery = await fetch(`${base}/v1/ext-authz`, {
    headers: {
      authorization: "Bearer some-other-token-value",
      "x-forwarded-uri": `/x?token=${REVOKED_TOKEN}`,
    },
  });
  const inCookie = await fetch(`${base}/v1/ext-authz/`, {
    headers: { cookie: `theme=dark; tw_session=${REVOKED_TOKEN}` },
  });

  assert.equal(hiddenInQuery.status, 403);
  assert.equal(inCookie.status, 403);
  assert.equal((await inCookie.text()).includes(REVOKED_TOKEN), false);
});

test("ext-authz denies a revoked API key or cookie sent beside a valid bearer", async () => {
  lookups.length = 0;
  const bearer = "Bearer some-other-token-value";
  const apiKey = await fetch(`${base}/v1/ext-authz`, {
    headers: { authorization: bearer, "x-api-key": REVOKED_TOKEN },
  });
  const cookie = await fetch(`${base}/v1/ext-authz`, {
    headers: { authorization: bearer, cookie: `tw_session=${REVOKED_TOKEN}` },
  });
  const neither = await fetch(`${base}/v1/ext-authz`, {
    headers: { authorization: bearer, "x-api-key": "another-key-value-0001" },
  });

  assert.equal(apiKey.status, 403);
  assert.equal(cookie.status, 403);
  assert.equal(neither.status, 200);
  // Both credentials of each request in one lookup (one round trip to Redis).
  assert.deepEqual(lookups, [2, 2, 2]);
});

test("without a denylist the routes do not exist", async () => {
  const bare = new HttpServer(new Metrics(), async () => null, pino({ level: "silent" }));
  const port = await bare.listen("127.0.0.1", 0);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/denylist/${REVOKED_FP}`);
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "not found\n");
  } finally {
    await bare.close();
  }
});
