import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { compactVerify, decodeProtectedHeader, importSPKI } from "jose";
import { buildRevocationEvent, SESSION_REVOKED } from "../../src/act/revocation-event.js";
import { createRevocationSigner } from "../../src/act/revocation-signer.js";
import { configSchema } from "../../src/config/schema.js";
import { testDecision } from "./decisions.js";

const DEFAULTS = configSchema.parse({}).revocations;
const event = buildRevocationEvent(testDecision(), { issuer: "tokenwatch", audience: "gw" });

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

test("without a key the SET is published as plain JSON", async () => {
  const signer = await createRevocationSigner(DEFAULTS);

  const encoded = await signer.encode(event);

  assert.equal(signer.signed, false);
  assert.deepEqual(JSON.parse(encoded), event);
});

test("with a key the SET is a compact JWS that verifies with the public key", async () => {
  const { privatePem, publicPem } = keyPair();
  const signer = await createRevocationSigner({
    ...DEFAULTS,
    signingKey: privatePem,
    signingKeyId: "tw-2026-11",
  });

  const jws = await signer.encode(event);
  const verified = await compactVerify(jws, await importSPKI(publicPem, "ES256"));
  const payload = JSON.parse(new TextDecoder().decode(verified.payload));

  assert.equal(signer.signed, true);
  assert.equal(jws.split(".").length, 3);
  assert.deepEqual(decodeProtectedHeader(jws), {
    alg: "ES256",
    typ: "secevent+jwt",
    kid: "tw-2026-11",
  });
  assert.equal(payload.jti, "decision-id-0123456789");
  assert.equal(payload.events[SESSION_REVOKED].initiating_entity, "policy");
});

test("a JWS signed by another key does not verify", async () => {
  const signer = await createRevocationSigner({ ...DEFAULTS, signingKey: keyPair().privatePem });
  const other = await importSPKI(keyPair().publicPem, "ES256");

  const jws = await signer.encode(event);

  await assert.rejects(compactVerify(jws, other), {
    code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
  });
});

test("a key that is not PKCS#8 for the algorithm stops start-up with CONFIG_INVALID", async () => {
  await assert.rejects(
    createRevocationSigner({ ...DEFAULTS, signingKey: "not a key", signingAlg: "RS256" }),
    (err: Error & { code?: string }) =>
      err.code === "CONFIG_INVALID" && /revocations\.signingKey/.test(err.message),
  );
});
