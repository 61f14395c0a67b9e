/**
 * Reads the head of a raw HTTP/1.x request, as Tyk stores it base64-encoded
 * in `raw_request` when detailed recording is on. Only the request line and
 * the headers are read; the body is ignored.
 */

export interface RawRequestHead {
  readonly method: string;
  readonly target: string;
  /** Lower-case names; the first occurrence of a header wins. */
  readonly headers: Record<string, string>;
}

/** The head of any sane request fits in this; bodies after it are never decoded. */
const MAX_HEAD_BYTES = 64 * 1024;

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

const REQUEST_LINE = /^([A-Z]{1,16}) (\S+) HTTP\/\d(?:\.\d)?$/;

/** Decodes `raw_request`; `null` when it is not base64 of an HTTP request (Tyk writes "" or "..."). */
export function decodeRawRequest(encoded: string): RawRequestHead | null {
  const compact = encoded.replace(/\s+/g, "");
  if (compact.length < 16 || !BASE64.test(compact)) {
    return null;
  }

  const limit = Math.ceil((MAX_HEAD_BYTES * 4) / 3);
  const bytes = Buffer.from(compact.slice(0, limit - (limit % 4)), "base64");
  const text = bytes.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const head = end >= 0 ? text.slice(0, end) : text;
  const lines = head.split(/\r?\n/);

  const requestLine = REQUEST_LINE.exec(lines[0] ?? "");
  if (!requestLine?.[1] || !requestLine[2]) {
    return null;
  }

  const headers: Record<string, string> = Object.create(null);
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) {
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name !== "" && !(name in headers)) {
      headers[name] = line.slice(colon + 1).trim();
    }
  }

  return { method: requestLine[1], target: requestLine[2], headers };
}
