import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KEY_SUFFIXES, StateKeys } from "../../src/state/state-keys.js";

describe("state keys", () => {
  test("builds every key of a token from the prefix, the hash tag and a suffix", () => {
    const keys = new StateKeys("tw:").forToken("Zm9vYmFyYmF6cXV4");

    assert.deepEqual(keys, {
      state: "tw:{Zm9vYmFyYmF6cXV4}:s",
      revoked: "tw:{Zm9vYmFyYmF6cXV4}:v",
      cooldowns: "tw:{Zm9vYmFyYmF6cXV4}:c",
      revocation: "tw:{Zm9vYmFyYmF6cXV4}:r",
    });
    assert.deepEqual(
      Object.values(keys).map((key) => key.slice(-1)),
      [...KEY_SUFFIXES],
    );
  });

  test("keeps an unreadable state aside in the token's own slot", () => {
    assert.equal(new StateKeys("p:").keptAside("fp"), "p:{fp}:s:unreadable");
  });

  test("refuses a prefix with braces, which would steal the hash tag", () => {
    assert.throws(() => new StateKeys("tw:{prod}:"), { code: "CONFIG_INVALID" });
  });

  test("refuses an empty or braced fingerprint", () => {
    const keys = new StateKeys("tw:");
    assert.throws(() => keys.forToken(""), { code: "STATE_INVALID_INPUT" });
    assert.throws(() => keys.forToken("a}b"), { code: "STATE_INVALID_INPUT" });
  });

  test("escapes glob characters of the prefix in its SCAN pattern", () => {
    assert.equal(new StateKeys("tw:").scanPattern(), "tw:*");
    assert.equal(new StateKeys("a*b?[c]\\:").scanPattern(), "a\\*b\\?\\[c\\]\\\\:*");
  });
});
