import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { Fingerprinter } from "../identity/fingerprint.js";

/**
 * The fingerprint key used when none is configured. It is public (it is in
 * this file), so fingerprints made with it can be brute-forced back to
 * low-entropy API keys: fine for trying tokenwatch on the bundled example,
 * never for real traffic.
 */
export const DEVELOPMENT_FINGERPRINT_KEY = "tokenwatch-development-key-do-not-use";

/** Build the fingerprinter, warning loudly when the development key is in use. */
export function createFingerprinter(config: Config, log: Logger): Fingerprinter {
  const key = config.identity.fingerprintKey;
  if (key) return new Fingerprinter(key);

  log.warn(
    { setting: "identity.fingerprintKey", env: "TOKENWATCH_FINGERPRINT_KEY" },
    "no fingerprint key configured: using the public development key; " +
      "set TOKENWATCH_FINGERPRINT_KEY to 32+ random bytes before real traffic",
  );
  return new Fingerprinter(DEVELOPMENT_FINGERPRINT_KEY);
}
