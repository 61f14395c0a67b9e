import type { InputConfig } from "../config/schema.js";
import type { RejectReason } from "../errors.js";

/**
 * Bytes → JSON records. A Kafka message (or one line of a replay file) may
 * hold one event object, a JSON array of events (APISIX and Kong batch
 * processors, Fluent Bit), or a JSON string wrapping either (log shippers
 * that double-encode). Each array element is its own event: a bad element is
 * rejected alone, its neighbours still count.
 *
 * Limits are checked before `JSON.parse` so that hostile input cannot make
 * the parser allocate or recurse without bound: size first, then UTF-8
 * validity, then nesting depth by a linear scan of the text (skipped when
 * the text has too few brackets to nest that deep).
 *
 * Failures are returned, not thrown: a reject is the normal outcome for bad
 * input, and building an `Error` (with its stack) per bad element is the
 * costliest thing this module could do.
 */

export type DecodeLimits = Pick<InputConfig, "maxMessageBytes" | "maxDepth">;

/** Why an element or a whole message cannot be a record. */
export interface DecodeFailure {
  readonly reason: RejectReason;
  readonly message: string;
}

/** One element of a message: a record, or the reason it cannot be one. */
export type DecodedItem =
  | { readonly index: number; readonly record: Readonly<Record<string, unknown>> }
  | { readonly index: number; readonly reject: DecodeFailure };

type Parsed = { readonly value: unknown } | { readonly failure: DecodeFailure };

/** Shippers wrap once, sometimes twice; deeper wrapping is not a log format. */
const MAX_STRING_WRAPPING = 2;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Events one message (a JSON array) may hold. An event's idempotency
 * position is its record's offset times this plus its index, so a longer
 * array would give two events one position and the later would be taken
 * for a redelivery; such a message is refused whole as `oversized`.
 */
export const MAX_EVENTS_PER_MESSAGE = 10_000;

export function decodeMessage(message: Buffer | string, limits: DecodeLimits): DecodedItem[] {
  const text = toText(message, limits);
  if (typeof text !== "string") {
    return [{ index: 0, reject: text }];
  }

  let parsed = parseBounded(text, limits);
  for (let unwrapped = 0; "value" in parsed && typeof parsed.value === "string"; unwrapped++) {
    if (unwrapped >= MAX_STRING_WRAPPING) {
      return [{ index: 0, reject: failure("wrong_shape", "message is a string, not an event") }];
    }
    parsed = parseBounded(parsed.value, limits);
  }

  if ("failure" in parsed) {
    return [{ index: 0, reject: parsed.failure }];
  }
  if (Array.isArray(parsed.value)) {
    if (parsed.value.length > MAX_EVENTS_PER_MESSAGE) {
      const why = `message holds ${parsed.value.length} events, at most ${MAX_EVENTS_PER_MESSAGE}`;
      return [{ index: 0, reject: failure("oversized", why) }];
    }
    return parsed.value.map((element, index) => decodeElement(element, index, limits));
  }
  if (isObject(parsed.value)) {
    return [{ index: 0, record: parsed.value }];
  }
  return [{ index: 0, reject: failure("wrong_shape", "message is not an object or an array") }];
}

function toText(message: Buffer | string, limits: DecodeLimits): string | DecodeFailure {
  const tooBig = failure("oversized", `message larger than ${limits.maxMessageBytes} bytes`);
  if (typeof message === "string") {
    return Buffer.byteLength(message, "utf8") > limits.maxMessageBytes ? tooBig : message;
  }

  if (!Buffer.isBuffer(message)) {
    return failure("wrong_shape", "message is neither bytes nor text");
  }
  if (message.length > limits.maxMessageBytes) {
    return tooBig;
  }
  try {
    return utf8.decode(message);
  } catch {
    return failure("invalid_utf8", "message is not valid UTF-8");
  }
}

function decodeElement(element: unknown, index: number, limits: DecodeLimits): DecodedItem {
  if (isObject(element)) {
    return { index, record: element };
  }
  const notObject = failure("wrong_shape", `element ${index} is not an object`);
  if (typeof element !== "string" || !/^\s*[{["]/.test(element)) {
    return { index, reject: notObject };
  }

  const inner = parseBounded(element, limits);
  if ("failure" in inner) {
    const why = `element ${index} is a string that is not an event`;
    return { index, reject: failure(inner.failure.reason, why) };
  }
  return isObject(inner.value) ? { index, record: inner.value } : { index, reject: notObject };
}

function parseBounded(text: string, limits: DecodeLimits): Parsed {
  if (!withinDepth(text, limits.maxDepth)) {
    return { failure: failure("too_deep", `JSON nested deeper than ${limits.maxDepth} levels`) };
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { failure: failure("invalid_json", "message is not valid JSON") };
  }
}

/**
 * Whether JSON text nests at most `maxDepth` deep. Text with at most
 * `maxDepth` brackets in all, inside strings or not, cannot nest deeper;
 * counting them with the native `indexOf` is an order of magnitude cheaper
 * than `jsonDepth`'s loop, which only text with more brackets then pays.
 */
function withinDepth(text: string, maxDepth: number): boolean {
  let openers = 0;
  for (const bracket of OPENERS) {
    let at = text.indexOf(bracket);
    while (at >= 0 && openers <= maxDepth) {
      openers++;
      at = text.indexOf(bracket, at + 1);
    }
  }
  return openers <= maxDepth || jsonDepth(text) <= maxDepth;
}

const OPENERS = ["{", "["] as const;

/**
 * Deepest nesting of `{`/`[` in JSON text, counting only brackets outside
 * strings. One pass, no recursion: a megabyte of `[` costs a loop, not a
 * stack overflow. The text need not be valid JSON; `JSON.parse` decides that.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;

  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) {
        i++;
      } else if (code === 0x22) {
        inString = false;
      }
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
      }
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }

  return max;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function failure(reason: RejectReason, message: string): DecodeFailure {
  return { reason, message };
}
