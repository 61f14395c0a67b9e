import type { IdentityConfig } from "../config/schema.js";

/**
 * Removing secrets from what leaves the process: dead-letter payloads and the
 * free-text fields of canonical events. Three layers, because a broken record
 * can hide a secret where no parser expects it:
 *
 * 1. by name — values under credential-like keys (`authorization`, `cookie`,
 *    `apikey`, `raw_request`, configured headers/params/cookies, anything
 *    containing `token`, `secret`, `password`) are replaced whole;
 * 2. by value — every value found under such a key, and every credential the
 *    parser found, is removed wherever else it appears (Tyk repeats the key in
 *    `tags`, Kong repeats `?apikey=` in `request.uri`);
 * 3. by shape — `Bearer x`, `Basic x`, JWTs, `name=value` query pairs, and
 *    (in dead letters) long strings mixing upper case, lower case and digits.
 *
 * Known gap: a short or single-case secret (a hex API key) under a key name
 * that looks harmless is only caught by layer 2, when the same value also
 * sits under a credential key.
 */

export const REDACTED = "[REDACTED]";

/** Dead letters are for a person to read; a few KB shows the structure. */
export const MAX_REDACTED_PAYLOAD = 4096;

const SENSITIVE_NAMES = new Set([
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "apikey",
  "xapikey",
  "key",
  "rawrequest",
  "rawresponse",
  "requestheader",
  "header",
  "jwt",
  "sig",
  "signature",
  "session",
  "sessionid",
]);

const SENSITIVE_PARTS = [
  "authorization",
  "token",
  "cookie",
  "apikey",
  "secret",
  "password",
  "passwd",
];

const AUTH_SCHEME = /\b(bearer|basic|digest|negotiate|token)(\s+|\+|%20)[^\s"',;&]+/gi;

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{2,}(\.[A-Za-z0-9_-]*){0,2}/g;

const QUERY_VALUE = /([?&][^=&#\s"?]{1,128}=)[^&#\s"]+/g;

const OPAQUE_RUN = /[A-Za-z0-9_\-+/=.~%]{20,}/g;

/**
 * Text without any of these cannot match AUTH_SCHEME (a scheme name),
 * JWT_LIKE (`eyJ`) or a configured `name=value` pair (`=`), so scrubbing
 * it by shape changes nothing. Most canonical fields (method, host, route
 * ids, user agents) have none, and one test is far cheaper than three
 * global replaces.
 */
const MAY_HOLD_SHAPE = /bearer|basic|digest|negotiate|token|eyJ|=/i;

/** Exact values shorter than this are not scrubbed: `true`, `1` or `abc` would shred paths. */
const MIN_SECRET_LENGTH = 8;

const MAX_STRING = 512;
const SCRUB_WINDOW = MAX_STRING + 8192;
const MAX_ARRAY = 50;
const MAX_KEYS = 100;

/** Scrubs secrets out of records and text, for one identity configuration. */
export class Redactor {
  readonly #names: Set<string>;
  readonly #param: RegExp;

  constructor(cfg: IdentityConfig) {
    this.#names = new Set(SENSITIVE_NAMES);
    for (const name of [...cfg.apiKeyHeaders, ...cfg.queryParams, ...cfg.cookies]) {
      this.#names.add(normalizeName(name));
    }
    const params = [...cfg.queryParams, ...cfg.apiKeyHeaders].map(escapeRegExp).join("|");
    this.#param = params
      ? new RegExp(`(^|[^A-Za-z0-9_-])(${params})=[^&#\\s"]*`, "gi")
      : /(?!)(x)(x)/g;
  }

  /** True for keys whose values are credentials whatever they look like. */
  isSensitiveKey(key: string): boolean {
    const name = normalizeName(key);
    return this.#names.has(name) || SENSITIVE_PARTS.some((part) => name.includes(part));
  }

  /**
   * Text of a canonical field with known secrets, bearer/basic credentials,
   * JWTs and configured `name=value` query pairs removed.
   */
  scrubText(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const secret of secrets) {
      if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) {
        out = out.replaceAll(secret, REDACTED);
      }
    }
    if (!MAY_HOLD_SHAPE.test(out)) return out;

    return out
      .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
      .replace(JWT_LIKE, REDACTED)
      .replace(this.#param, `$1$2=${REDACTED}`);
  }

  /**
   * `scrubText`, plus long runs mixing upper case, lower case and digits.
   * For paths and query names, where a generated token is far likelier than
   * a legitimate value of that shape.
   */
  scrubOpaque(text: string, secrets: readonly string[]): string {
    return this.scrubText(text, secrets).replace(OPAQUE_RUN, (run) =>
      looksRandom(run) ? REDACTED : run,
    );
  }

  /** `scrubOpaque`, plus every query value: for dead letters, where nothing needs them. */
  scrubAggressively(text: string, secrets: readonly string[]): string {
    return this.scrubOpaque(text.replace(QUERY_VALUE, `$1${REDACTED}`), secrets);
  }

  /**
   * A dead-letter copy of a record: credentials removed by name, by value and
   * by shape, strings cut to 512 characters, the whole cut to 4 KB of JSON.
   */
  redactRecord(record: unknown, knownSecrets: readonly string[]): string {
    const secrets = new Set(knownSecrets);
    this.#collect(record, false, secrets);
    const ordered = [...secrets].sort((a, b) => b.length - a.length);

    const copy = this.#copy(record, ordered);
    return JSON.stringify(copy).slice(0, MAX_REDACTED_PAYLOAD);
  }

  #collect(value: unknown, sensitive: boolean, into: Set<string>): void {
    if (typeof value === "string") {
      if (sensitive) {
        addPieces(value, into);
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value.slice(0, MAX_ARRAY * 4)) {
        this.#collect(item, sensitive, into);
      }
      return;
    }
    if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value).slice(0, MAX_KEYS * 4)) {
        this.#collect(item, sensitive || this.isSensitiveKey(key), into);
      }
    }
  }

  #copy(value: unknown, secrets: readonly string[]): unknown {
    if (typeof value === "string") {
      // Only the start survives the cut; scrubbing a window that still holds
      // any secret crossing the cut is enough, and keeps megabyte strings cheap.
      return cut(this.scrubAggressively(value.slice(0, SCRUB_WINDOW), secrets));
    }
    if (Array.isArray(value)) {
      return value.slice(0, MAX_ARRAY).map((item) => this.#copy(item, secrets));
    }
    if (typeof value !== "object" || value === null) {
      return value;
    }

    const out: Record<string, unknown> = Object.create(null);
    for (const [key, item] of Object.entries(value).slice(0, MAX_KEYS)) {
      const safeKey = cut(this.scrubAggressively(key.slice(0, SCRUB_WINDOW), secrets));
      out[safeKey] = this.isSensitiveKey(key) ? REDACTED : this.#copy(item, secrets);
    }
    return out;
  }
}

/** A value and its parts: `Bearer x`, cookie lists, URL-encoded header dumps. */
function addPieces(value: string, into: Set<string>): void {
  const whole = value.trim();
  if (whole.length >= MIN_SECRET_LENGTH) {
    into.add(whole);
  }

  for (const text of [whole, safeDecode(whole)]) {
    for (const piece of text.split(/[\s;,&=+]+/)) {
      if (piece.length >= MIN_SECRET_LENGTH) {
        into.add(piece);
      }
    }
  }
}

/** Upper, lower and digits together: how generated tokens look, and paths and ids rarely do. */
function looksRandom(run: string): boolean {
  return /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run);
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text;
  }
}

function cut(text: string): string {
  return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
