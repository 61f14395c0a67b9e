import { RejectedInputError } from "../../errors.js";

/**
 * Typed readers for gateway records. Every reader takes the field's documented
 * name (`request.headers`, `started_at`) for its error message, never the
 * value: record values may be secrets. Gateways write "unset" as `-`, `""` or
 * `-1`; readers turn all of those into `null`.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

/** Longest free-text value kept in a canonical field; longer ones are cut, not rejected. */
export const MAX_TEXT_LENGTH = 2048;

const MAX_MAP_ENTRIES = 200;

/** The error for a field of the wrong type. `name` is a static field path, never a value. */
export function invalidField(name: string, problem: string): RejectedInputError {
  return new RejectedInputError("invalid_field", `field ${name}: ${problem}`);
}

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own property only: `record.constructor` must not find `Object.prototype.constructor`. */
export function field(record: JsonRecord | null, key: string): unknown {
  if (record === null || !Object.hasOwn(record, key)) {
    return undefined;
  }
  return record[key];
}

export function hasField(record: JsonRecord, key: string): boolean {
  return Object.hasOwn(record, key);
}

/** A nested object, or `null` when absent; anything else is `invalid_field`. */
export function objectAt(record: JsonRecord | null, key: string, name: string): JsonRecord | null {
  const value = field(record, key);
  if (value === undefined || value === null || value === "" || value === "-") {
    return null;
  }
  if (!isRecord(value)) {
    throw invalidField(name, "expected an object");
  }
  return value;
}

/** A text field; numbers and booleans are accepted as their text. */
export function stringAt(
  record: JsonRecord | null,
  key: string,
  name: string,
  maxLength = MAX_TEXT_LENGTH,
): string | null {
  return toText(field(record, key), name, maxLength);
}

/** The first of several keys that is set, read as text. */
export function firstStringAt(
  record: JsonRecord | null,
  keys: readonly string[],
  maxLength = MAX_TEXT_LENGTH,
): string | null {
  for (const key of keys) {
    const value = stringAt(record, key, key, maxLength);
    if (value !== null) {
      return value;
    }
  }
  return null;
}

export function toText(value: unknown, name: string, maxLength = MAX_TEXT_LENGTH): string | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return Number.isFinite(value) || typeof value === "boolean" ? String(value) : null;
  }
  if (typeof value !== "string") {
    throw invalidField(name, "expected a string");
  }

  const trimmed = value.trim();
  if (trimmed === "" || trimmed === "-") {
    return null;
  }
  return trimmed.length > maxLength ? trimmed.slice(0, maxLength) : trimmed;
}

/**
 * A non-negative number, given as a JSON number or as numeric text (NGINX,
 * Envoy's legacy format and AWS log numbers as strings). Negative values are
 * `null`: gateways use `-1` for "not measured".
 */
export function numberAt(record: JsonRecord | null, key: string, name: string): number | null {
  return toNumber(field(record, key), name);
}

export function toNumber(value: unknown, name: string): number | null {
  if (value === undefined || value === null) {
    return null;
  }

  let number: number;
  if (typeof value === "number") {
    number = value;
  } else if (typeof value === "string") {
    const trimmed = value.trim();
    if (trimmed === "" || trimmed === "-") {
      return null;
    }
    if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed)) {
      throw invalidField(name, "expected a number");
    }
    number = Number(trimmed);
  } else {
    throw invalidField(name, "expected a number");
  }

  if (!Number.isFinite(number)) {
    throw invalidField(name, "expected a finite number");
  }
  return number < 0 ? null : number;
}

/** An HTTP status code; also reads Go's `"200 OK"`. `0` (no response sent) is `null`. */
export function statusAt(record: JsonRecord | null, key: string, name: string): number | null {
  const value = field(record, key);
  const text =
    typeof value === "string" ? (/^\s*(\d{3})(\s.*)?$/.exec(value)?.[1] ?? value) : value;
  const number = toNumber(text, name);
  if (number === null || number === 0) {
    return null;
  }
  if (!Number.isInteger(number) || number < 100 || number > 999) {
    throw invalidField(name, "expected an HTTP status code");
  }
  return number;
}

/** A duration converted to milliseconds, rounded to microseconds. */
export function durationAt(
  record: JsonRecord | null,
  key: string,
  name: string,
  unit: "ns" | "ms" | "s",
): number | null {
  const value = numberAt(record, key, name);
  if (value === null) {
    return null;
  }

  const factor = unit === "ns" ? 1e-6 : unit === "s" ? 1000 : 1;
  return Math.round(value * factor * 1000) / 1000;
}

/**
 * Request headers as a map with lower-case names. A value logged as an array
 * (the header was sent several times) keeps its first element, as the
 * credential extraction contract says.
 */
export function headerMap(value: unknown, name: string): Record<string, string> {
  return stringMap(value, name, true);
}

/**
 * Query parameters as logged by Kong and APISIX: values may be `true` (a
 * parameter without `=`), numbers or arrays (a repeated parameter).
 */
export function queryMap(value: unknown, name: string): Record<string, string> {
  return stringMap(value, name, false);
}

function stringMap(value: unknown, name: string, lowerCase: boolean): Record<string, string> {
  const map: Record<string, string> = Object.create(null);
  if (value === undefined || value === null || value === "" || value === "-") {
    return map;
  }
  if (!isRecord(value)) {
    throw invalidField(name, "expected an object");
  }

  let count = 0;
  for (const [rawKey, raw] of Object.entries(value)) {
    if (count++ >= MAX_MAP_ENTRIES) {
      break;
    }
    const key = lowerCase ? rawKey.toLowerCase() : rawKey;
    const text = mapValue(raw, name);
    if (text !== null && !(key in map)) {
      map[key] = text;
    }
  }
  return map;
}

function mapValue(raw: unknown, name: string): string | null {
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined || first === null || first === true) {
    return "";
  }
  if (first === false) {
    return null;
  }
  if (typeof first === "string") {
    return first;
  }
  if (typeof first === "number") {
    return String(first);
  }
  throw invalidField(name, "expected text values");
}

/** Splits an `X-Forwarded-For`-style list; validation of each address happens later. */
export function splitList(value: string | null | undefined): string[] {
  if (!value) {
    return [];
  }
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "" && item !== "-" && item.toLowerCase() !== "unknown");
}
