/**
 * Splits what gateways log as the request target — a path with its query
 * (`/log?apikey=x`), or a whole URL (`http://host:8000/log`) — into the
 * canonical parts. Query values are returned only so identity can look for
 * credentials in them; the canonical event keeps the names alone.
 */

export interface RequestTarget {
  readonly scheme: string | null;
  readonly host: string | null;
  /** Path without query or fragment; `null` when the target had none. */
  readonly path: string | null;
  /** First value of each parameter, decoded. */
  readonly query: Record<string, string>;
  readonly queryKeys: string[];
}

const ABSOLUTE_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

const MAX_QUERY_KEYS = 100;

export function splitTarget(target: string | null): RequestTarget {
  const query: Record<string, string> = Object.create(null);
  if (target === null) {
    return { scheme: null, host: null, path: null, query, queryKeys: [] };
  }

  let scheme: string | null = null;
  let host: string | null = null;
  let rest = target;
  const url = ABSOLUTE_URL.exec(target);
  if (url) {
    scheme = (url[1] ?? "").toLowerCase();
    // Userinfo (`user:password@`) is a credential; only the host is kept.
    host = hostWithoutPort((url[2] ?? "").replace(/^.*@/, ""));
    rest = url[3] || "/";
  }

  const hash = rest.indexOf("#");
  const withoutFragment = hash >= 0 ? rest.slice(0, hash) : rest;
  const mark = withoutFragment.indexOf("?");
  const path = mark >= 0 ? withoutFragment.slice(0, mark) : withoutFragment;
  const queryKeys = mark >= 0 ? parseQuery(withoutFragment.slice(mark + 1), query) : [];

  return { scheme, host, path: path === "" ? null : path, query, queryKeys };
}

/** Merges parsed query parameters into `into` (first value wins) and returns their names. */
export function parseQuery(search: string, into: Record<string, string>): string[] {
  const keys: string[] = [];
  for (const [key, value] of new URLSearchParams(search)) {
    if (key === "" || key in into) {
      continue;
    }
    if (keys.length >= MAX_QUERY_KEYS) {
      break;
    }
    into[key] = value;
    keys.push(key);
  }
  return keys;
}

/** `example.com:8443` → `example.com`; `[2001:db8::1]:443` → `2001:db8::1`; lower-case. */
export function hostWithoutPort(authority: string | null): string | null {
  if (authority === null) {
    return null;
  }

  const text = authority.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](:\d*)?$/.exec(text);
  if (bracketed?.[1]) {
    return bracketed[1];
  }
  const host = /^[^:]*:\d*$/.test(text) ? text.slice(0, text.indexOf(":")) : text;
  return host === "" ? null : host.slice(0, 255);
}

/** Names of a query map, plus names from a target, without duplicates. */
export function mergeKeys(...lists: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  for (const list of lists) {
    for (const key of list) {
      if (seen.size < MAX_QUERY_KEYS) {
        seen.add(key);
      }
    }
  }
  return [...seen];
}
