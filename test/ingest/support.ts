import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Config, configSchema } from "../../src/config/schema.js";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import type { CanonicalEvent } from "../../src/ingest/canonical-event.js";
import { type NormalizeResult, Normalizer } from "../../src/ingest/normalize.js";

/** Shared by the ingest and identity tests: fixtures, a normalizer, independent fingerprints. */

export const KEY = "test-fingerprint-key-0123456789";

export const config: Config = configSchema.parse({});

/** A clock late enough that every public sample is in the past, and none is too far in the future. */
export const NOW = Date.UTC(2026, 0, 1);

const FIXTURES = new URL("../fixtures/formats/", import.meta.url);

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8"));
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`${name}.json`, FIXTURES), "utf8");
}

export function normalizer(
  overrides: Partial<Pick<Config, "identity" | "input">> = {},
): Normalizer {
  const cfg = {
    identity: { ...config.identity, ...overrides.identity },
    input: { ...config.input, ...overrides.input },
  };
  return new Normalizer(cfg, new Fingerprinter(KEY), {}, () => NOW);
}

export function run(message: unknown, n = normalizer()): NormalizeResult {
  const text = typeof message === "string" ? message : JSON.stringify(message);
  return n.normalize(text, { stream: "gateway-logs", partition: 3, offset: 42 });
}

/** Normalizes one record and returns its only event, failing loudly otherwise. */
export function single(record: unknown, n = normalizer()): CanonicalEvent {
  const result = run(record, n);
  if (result.events.length !== 1 || result.rejects.length !== 0) {
    throw new Error(`expected one event, got ${JSON.stringify(result)}`);
  }
  return result.events[0] as CanonicalEvent;
}

/** HMAC-SHA256, 16 bytes, base64url: computed here without the code under test. */
export function expectedFingerprint(input: string, key = KEY): string {
  return createHmac("sha256", key).update(input).digest().subarray(0, 16).toString("base64url");
}

/** An unsigned JWT (`alg: none`) built by hand, so tests do not depend on jose to make one. */
export function unsignedJwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "none", typ: "JWT" },
): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part(header)}.${part(claims)}.`;
}

/** A random-looking secret of mixed case and digits, as real tokens are. */
export function secret(label: string): string {
  return `Tw${label}9xQ7kLm2Zp4Rv8Ns3Jd6Hc1Bf5Gy0`;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * A deep copy of `record` with `path` (dot-separated) set to `value`, or
 * deleted when `value` is `undefined`. Missing parents are created.
 */
export function withField(record: unknown, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(record) as Record<string, unknown>;
  const keys = path.split(".");
  const last = keys.pop() as string;

  let node: Record<string, unknown> = copy;
  for (const key of keys) {
    const next = node[key];
    if (typeof next !== "object" || next === null) {
      node[key] = {};
    }
    node = node[key] as Record<string, unknown>;
  }

  if (value === undefined) {
    delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}

/** Applies several `withField` edits in order. */
export function withFields(
  record: unknown,
  edits: Record<string, unknown>,
): Record<string, unknown> {
  let copy = structuredClone(record) as Record<string, unknown>;
  for (const [path, value] of Object.entries(edits)) {
    copy = withField(copy, path, value);
  }
  return copy;
}
