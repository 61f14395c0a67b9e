import { field, invalidField, type JsonRecord } from "./fields.js";

/**
 * Event-time parsing for every timestamp shape gateways write:
 * - epoch numbers in seconds (NGINX `$msec` "1699596164.550"), milliseconds
 *   (Kong `started_at`, APISIX `start_time`), microseconds or nanoseconds,
 *   told apart by magnitude — the ranges do not overlap for any date between
 *   1973 and 5138;
 * - ISO 8601 with `Z`, an offset, or none (read as UTC), and fractions down
 *   to nanoseconds (Tyk, Traefik), truncated to milliseconds;
 * - Common Log Format `10/Oct/2000:13:55:36 -0700` (NGINX `$time_local`, AWS
 *   `requestTime`).
 */

const MAX_EPOCH_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const CLF = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})\s+([+-]\d{4})$/;

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Reads `record[key]` as an event time in epoch ms; `null` when unset. */
export function timestampAt(record: JsonRecord | null, key: string, name: string): number | null {
  return parseTimestamp(field(record, key), name);
}

/** The first of several keys that holds a time (gateways offer several). */
export function firstTimestampAt(
  record: JsonRecord | null,
  keys: readonly string[],
): number | null {
  for (const key of keys) {
    const ts = timestampAt(record, key, key);
    if (ts !== null) {
      return ts;
    }
  }
  return null;
}

export function parseTimestamp(value: unknown, name: string): number | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === "number") {
    return checked(epochToMs(value), name);
  }
  if (typeof value !== "string") {
    throw invalidField(name, "expected a timestamp");
  }

  const text = value.trim();
  if (text === "" || text === "-" || text === "-1") {
    return null;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return checked(epochToMs(Number(text)), name);
  }

  const ms = parseIso(text) ?? parseClf(text);
  if (ms === null) {
    throw invalidField(name, "expected a timestamp");
  }
  return checked(ms, name);
}

function epochToMs(value: number): number | null {
  if (!Number.isFinite(value) || value <= 0) {
    return null;
  }
  if (value < 1e11) {
    return Math.round(value * 1000);
  }
  if (value < 1e14) {
    return Math.round(value);
  }
  if (value < 1e17) {
    return Math.round(value / 1000);
  }
  return Math.round(value / 1e6);
}

function checked(ms: number | null, name: string): number | null {
  if (ms === null) {
    return null;
  }
  if (!Number.isSafeInteger(ms) || ms > MAX_EPOCH_MS) {
    throw invalidField(name, "timestamp out of range");
  }
  return ms;
}

function parseIso(text: string): number | null {
  const m = ISO_8601.exec(text);
  if (!m) {
    return null;
  }

  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  const millis = Number((fraction ?? "").padEnd(3, "0").slice(0, 3));
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    millis,
  );
  return validDate(utc, m) ? utc - offsetMs(zone) : null;
}

function parseClf(text: string): number | null {
  const m = CLF.exec(text);
  if (!m) {
    return null;
  }

  const [, day, monthName, year, hour, minute, second, zone] = m;
  const month = MONTHS.indexOf((monthName ?? "").toLowerCase());
  if (month < 0) {
    return null;
  }
  const utc = Date.UTC(
    Number(year),
    month,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  return validDate(utc, [text, year, String(month + 1), day, hour, minute, second])
    ? utc - offsetMs(zone)
    : null;
}

/** `Date.UTC` rolls 31 Feb over into March; a log with such a date is broken, not early March. */
function validDate(utc: number, parts: ArrayLike<string | undefined>): boolean {
  if (!Number.isFinite(utc)) {
    return false;
  }
  const date = new Date(utc);
  return (
    date.getUTCFullYear() === Number(parts[1]) &&
    date.getUTCMonth() + 1 === Number(parts[2]) &&
    date.getUTCDate() === Number(parts[3]) &&
    Number(parts[4]) < 24 &&
    Number(parts[5]) < 60 &&
    Number(parts[6]) < 61
  );
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === "Z") {
    return 0;
  }
  const digits = zone.replace(":", "");
  const sign = digits.startsWith("-") ? -1 : 1;
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3, 5));
  return sign * (hours * 60 + minutes) * 60_000;
}
