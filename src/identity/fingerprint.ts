import { createHmac } from "node:crypto";

/** 128 bits: collisions stay negligible for billions of tokens, and the key stays short. */
const FINGERPRINT_BYTES = 16;

/** 16 bytes in unpadded base64url are 22 characters of its alphabet. */
const FINGERPRINT_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** Whether `text` has the shape of a token fingerprint (for arguments and URL paths). */
export function isFingerprint(text: string): boolean {
  return FINGERPRINT_SHAPE.test(text);
}

/**
 * Namespaces for identifiers that are not secrets. An id is fingerprinted as
 * `<namespace>:<id>`, so a gateway credential id and a token that happen to
 * share the same text never map to the same per-token state.
 */
export type IdentifierNamespace = "credential" | "consumer" | "jti";

/**
 * Turns secrets and identifiers into the stable key of all per-token state.
 *
 * The fingerprint is the first 16 bytes of HMAC-SHA256(key, input), encoded
 * as base64url without padding. It is keyed because an unkeyed hash of a
 * low-entropy API key can be reversed by brute force; whoever reads Redis or
 * an alert without the key learns nothing about the token.
 */
export class Fingerprinter {
  readonly #key: string;

  constructor(key: string) {
    if (key.length === 0) {
      throw new TypeError("fingerprint key must not be empty");
    }
    this.#key = key;
  }

  /**
   * Fingerprint of a raw secret (bearer token, API key). The secret is hashed
   * as is, without a namespace, so `HMAC(key, secret)` computed anywhere else
   * gives the same value.
   */
  fingerprint(secret: string): string {
    return this.#digest(secret);
  }

  /**
   * Fingerprint of a non-secret identifier such as Kong's
   * `authenticated_entity.id`. The namespace prefix keeps ids apart from
   * tokens and from each other (`credential:abc` is not `consumer:abc`).
   */
  fingerprintId(namespace: IdentifierNamespace, id: string): string {
    return this.#digest(`${namespace}:${id}`);
  }

  #digest(input: string): string {
    const mac = createHmac("sha256", this.#key).update(input, "utf8").digest();
    return mac.subarray(0, FINGERPRINT_BYTES).toString("base64url");
  }
}
