import { CompactSign, importPKCS8 } from "jose";
import type { RevocationsConfig } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import type { RevocationEvent } from "./revocation-event.js";
import type { WithdrawalEvent } from "./revocation-withdrawal.js";

/** RFC 8417 §2.3: the `typ` header of a Security Event Token. */
export const SET_MEDIA_TYPE = "secevent+jwt";

/** Turns a revocation SET into the bytes published for it. */
export interface RevocationSigner {
  /** Whether `encode` produces a JWS (for logs and metrics). */
  readonly signed: boolean;
  encode(event: RevocationEvent | WithdrawalEvent): Promise<string>;
}

/** Unsigned: the SET as plain JSON, for deployments that trust the topic's ACLs. */
export const plainRevocations: RevocationSigner = {
  signed: false,
  encode: async (event) => JSON.stringify(event),
};

/**
 * Signs SETs as compact JWS with the configured private key, so a gateway
 * can verify a revocation came from tokenwatch before acting on it. The key
 * is imported once at start-up; a key that does not fit the algorithm stops
 * start-up with a message saying so.
 */
export async function createRevocationSigner(config: RevocationsConfig): Promise<RevocationSigner> {
  if (config.signingKey === null) return plainRevocations;

  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    key = await importPKCS8(config.signingKey, config.signingAlg);
  } catch (err) {
    throw new ConfigError(
      `revocations.signingKey is not a PKCS#8 PEM private key for ${config.signingAlg}: ` +
        "generate one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` " +
        "or change revocations.signingAlg",
      { cause: err },
    );
  }

  const header = {
    alg: config.signingAlg,
    typ: SET_MEDIA_TYPE,
    ...(config.signingKeyId ? { kid: config.signingKeyId } : {}),
  };
  const encoder = new TextEncoder();
  return {
    signed: true,
    encode: (event) =>
      new CompactSign(encoder.encode(JSON.stringify(event))).setProtectedHeader(header).sign(key),
  };
}
