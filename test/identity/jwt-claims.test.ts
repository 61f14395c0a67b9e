import assert from "node:assert/strict";
import { test } from "node:test";
import { UnsecuredJWT } from "jose";
import { looksLikeJwt, readJwtClaims } from "../../src/identity/jwt-claims.js";
import { unsignedJwt } from "../ingest/support.js";

test("only the kept claims survive, with times in ms and the header's kid", () => {
  const jwt = unsignedJwt(
    {
      iss: "https://idp.example.com",
      sub: "u-1",
      aud: "api",
      jti: "j-1",
      client_id: "web",
      scope: "read write",
      exp: 1700000000,
      iat: 1699990000,
      name: "Alice",
      email: "alice@example.com",
    },
    { alg: "RS256", kid: "key-2024" },
  );

  assert.deepEqual(readJwtClaims(jwt), {
    iss: "https://idp.example.com",
    sub: "u-1",
    aud: "api",
    jti: "j-1",
    clientId: "web",
    scope: "read write",
    exp: 1700000000000,
    iat: 1699990000000,
    kid: "key-2024",
  });
});

test("a JWT made with jose's UnsecuredJWT is read the same way", () => {
  const jwt = new UnsecuredJWT({ scp: ["orders.read", "orders.write"], azp: "spa" })
    .setSubject("u-2")
    .setAudience(["a", "b"])
    .encode();

  const claims = readJwtClaims(jwt);

  assert.equal(claims?.sub, "u-2");
  assert.equal(claims?.aud, "a b", "audience arrays are joined with spaces");
  assert.equal(claims?.scope, "orders.read orders.write", "Azure/Okta scp arrays become scope");
  assert.equal(claims?.clientId, "spa", "azp stands in for client_id");
});

test("claims of the wrong type are dropped, not errors", () => {
  const claims = readJwtClaims(unsignedJwt({ sub: 5, exp: "soon", iat: -1, jti: "" }));

  assert.deepEqual(claims, {
    iss: null,
    sub: null,
    aud: null,
    jti: null,
    clientId: null,
    scope: null,
    exp: null,
    iat: null,
    kid: null,
  });
});

test("malformed JWTs decode to null and never throw", () => {
  const notJson = `eyJhbGciOiJub25lIn0.${Buffer.from("not json").toString("base64url")}.`;
  const arrayPayload = `eyJhbGciOiJub25lIn0.${Buffer.from("[1]").toString("base64url")}.`;

  for (const token of [
    "eyJ.x.y",
    notJson,
    arrayPayload,
    "abc.def.ghi",
    "eyJhbGciOiJub25lIn0",
    "",
  ]) {
    assert.equal(readJwtClaims(token), null, token);
  }
});

test("looksLikeJwt needs three base64url segments starting with a JSON header", () => {
  assert.equal(looksLikeJwt(unsignedJwt({})), true);
  assert.equal(looksLikeJwt("opaque-token-123"), false);
  assert.equal(looksLikeJwt("eyJ.a"), false);
});
