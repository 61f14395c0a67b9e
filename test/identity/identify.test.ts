import assert from "node:assert/strict";
import { test } from "node:test";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import { identify } from "../../src/identity/identify.js";
import { parsedRequest } from "../../src/ingest/formats/parsed-request.js";
import { config, expectedFingerprint, KEY, unsignedJwt } from "../ingest/support.js";

const fingerprinter = new Fingerprinter(KEY);

function request(fields: Parameters<typeof parsedRequest>[1]) {
  return parsedRequest("test", { ts: 1, clientIp: "192.0.2.1", ...fields });
}

test("with the default precedence the raw token wins over the credential id", () => {
  const parsed = request({
    credentialId: "cred-1",
    credentials: { headers: { authorization: "Bearer tok-1" } },
  });

  const identity = identify(parsed, config.identity, fingerprinter);

  assert.deepEqual(identity, {
    fingerprint: expectedFingerprint("tok-1"),
    location: "header",
    kind: "opaque",
    claims: null,
  });
});

test("without a raw token the credential id, then the consumer id, keys the state", () => {
  const both = request({ credentialId: "cred-1", consumerId: "alice" });
  const consumerOnly = request({ consumerId: "alice" });

  assert.deepEqual(identify(both, config.identity, fingerprinter), {
    fingerprint: expectedFingerprint("credential:cred-1"),
    location: "none",
    kind: "credential",
    claims: null,
  });
  assert.equal(
    identify(consumerOnly, config.identity, fingerprinter)?.fingerprint,
    expectedFingerprint("consumer:alice"),
  );
});

test("a request with nothing to identify it has no identity", () => {
  assert.equal(identify(request({}), config.identity, fingerprinter), null);
});

test("jti precedence keys a JWT by issuer and jti, keeping its claims", () => {
  const jwt = unsignedJwt({ iss: "idp", jti: "j-9", sub: "s" });
  const cfg = { ...config.identity, precedence: ["jti", "token"] as const };
  const parsed = request({ credentials: { query: { access_token: jwt } } });

  const identity = identify(parsed, { ...cfg, precedence: [...cfg.precedence] }, fingerprinter);

  assert.equal(identity?.fingerprint, expectedFingerprint("jti:idp j-9"));
  assert.equal(identity?.location, "query");
  assert.equal(identity?.kind, "jwt");
  assert.equal(identity?.claims?.sub, "s");
});

test("credential precedence keeps where the token was seen and its claims", () => {
  const jwt = unsignedJwt({ sub: "s" });
  const parsed = request({
    credentialId: "cred-2",
    credentials: { query: { jwt } },
  });
  const cfg = { ...config.identity, precedence: ["credential" as const, "token" as const] };

  const identity = identify(parsed, cfg, fingerprinter);

  assert.equal(identity?.fingerprint, expectedFingerprint("credential:cred-2"));
  assert.equal(identity?.kind, "credential");
  assert.equal(identity?.location, "query", "a token in a URL stays visible as a finding");
  assert.equal(identity?.claims?.sub, "s");
});

test("a JWT-shaped token whose claims cannot be read is an opaque token", () => {
  const broken = `eyJhbGciOiJub25lIn0.${Buffer.from("{bad").toString("base64url")}.sig`;
  const parsed = request({ credentials: { headers: { authorization: `Bearer ${broken}` } } });

  const identity = identify(parsed, config.identity, fingerprinter);

  assert.equal(identity?.kind, "opaque");
  assert.equal(identity?.claims, null);
  assert.equal(identity?.fingerprint, expectedFingerprint(broken));
});
