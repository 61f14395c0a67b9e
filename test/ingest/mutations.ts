import { PLANTERS, type Planted, setField } from "./planted-secrets.js";
import { int, pick, type Rng } from "./seeded-rng.js";

/**
 * The mutations real broken logs go through, for the normalize fuzz test:
 * deleted fields, wrong types, deep nesting, huge strings, header arrays,
 * prototype keys, truncated and flipped bytes, invalid UTF-8, batches mixed
 * with junk. Everything derives from the seeded PRNG so a failure reproduces.
 */

type JsonObject = Record<string, unknown>;

function getField(record: JsonObject, path: string): unknown {
  let node: unknown = record;
  for (const key of path.split(".")) {
    node = typeof node === "object" && node !== null ? (node as JsonObject)[key] : undefined;
  }
  return node;
}

/** Every path to a value in a record, e.g. `request.headers.apikey`. */
function paths(value: unknown, prefix = "", out: string[] = []): string[] {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(".")) {
        continue;
      }
      const path = prefix ? `${prefix}.${key}` : key;
      out.push(path);
      paths(item, path, out);
    }
  }
  return out;
}

const HUGE = "y".repeat(1_100_000);

function junk(rng: Rng): unknown {
  return pick(rng, [
    () => -1,
    () => 0,
    () => 1e308,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => true,
    () => null,
    () => "",
    () => "-",
    () => "-1",
    () => "NaN",
    () => "2023-13-45T99:99:99Z",
    () => [1, "two", null, { three: 3 }],
    () => ({ nested: { deeper: [] } }),
    () => "\u0000\uffff\ud800",
    () => String(int(rng, 1e9)),
    () => HUGE.slice(0, int(rng, 5000)),
  ])();
}

type Planter = (base: JsonObject, rng: Rng) => Planted;

type RecordMutation = (record: JsonObject, rng: Rng, secrets: readonly string[]) => void;

/** Mutations applied in place to a planted (already copied) record. */
const RECORD_MUTATIONS: RecordMutation[] = [
  function deleteField(record, rng) {
    const all = paths(record);
    if (all.length > 0) {
      setField(record, pick(rng, all), undefined);
    }
  },
  function changeType(record, rng) {
    const all = paths(record);
    if (all.length > 0) {
      setField(record, pick(rng, all), junk(rng));
    }
  },
  function deepNesting(record, rng) {
    let value: unknown = "deep";
    const depth = 1 + int(rng, 60);
    for (let i = 0; i < depth; i++) {
      value = rng() < 0.5 ? [value] : { d: value };
    }
    setField(record, pick(rng, [...paths(record), "extra"]), value);
  },
  function hugeString(record, rng) {
    const size = rng() < 0.02 ? HUGE.length : 1000 + int(rng, 12_000);
    setField(record, pick(rng, [...paths(record), "extra"]), HUGE.slice(0, size));
  },
  function headerArrays(record, rng) {
    const all = paths(record).filter((path) => /headers\.|request_|http_/.test(path));
    if (all.length > 0) {
      const path = pick(rng, all);
      setField(record, path, [getField(record, path), "second", 3]);
    }
  },
  function prototypeKeys(record) {
    Object.defineProperty(record, "__proto__", {
      value: { polluted: true },
      enumerable: true,
      configurable: true,
      writable: true,
    });
    Object.assign(record, { constructor: "x" });
  },
  function upperCaseKey(record, rng) {
    const keys = Object.keys(record);
    if (keys.length > 0) {
      const key = pick(rng, keys);
      const value = record[key];
      delete record[key];
      record[key.toUpperCase()] = value;
    }
  },
  echoCredentialShape,
];

/** Copies a planted secret, in a credential shape, into a free-text field. */
function echoCredentialShape(record: JsonObject, rng: Rng, secrets: readonly string[]): void {
  const target = pick(rng, ["user_agent", "request_id", "RouterName", "route_id", "requestId"]);
  const shape = pick(rng, ["Bearer ", "x?apikey=", "?access_token="]);
  setField(record, target, `${shape}${pick(rng, secrets)}`);
}

/** Mutations on the serialized message. */
const BYTE_MUTATIONS: ((bytes: Buffer, rng: Rng) => Buffer)[] = [
  function truncate(bytes, rng) {
    return bytes.subarray(0, int(rng, bytes.length));
  },
  function flipBytes(bytes, rng) {
    const copy = Buffer.from(bytes);
    const flips = 1 + int(rng, 2);
    for (let i = 0; i < flips && copy.length > 0; i++) {
      const at = int(rng, copy.length);
      copy[at] = (copy[at] ?? 0) ^ (1 << int(rng, 8));
    }
    return copy;
  },
  function invalidUtf8(bytes, rng) {
    const at = int(rng, bytes.length + 1);
    const bad = pick(rng, [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80]]);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
  },
];

/**
 * One fuzz case: a planted fixture, 0–3 record mutations, an envelope
 * (plain, a batch mixed with junk, JSON-string wrapped), then maybe a byte
 * mutation. Returns the bytes and every secret planted in them.
 */
export function fuzzCase(
  fixtures: readonly (readonly [string, JsonObject])[],
  rng: Rng,
): { message: Buffer; secrets: string[] } {
  const [name, base] = pick(rng, fixtures);
  const { record, secrets: planted } = (PLANTERS[name] as Planter)(base, rng);
  const secrets = [...planted];

  const count = int(rng, 4);
  let echoed = false;
  for (let i = 0; i < count; i++) {
    const mutation = pick(rng, RECORD_MUTATIONS);
    mutation(record, rng, secrets);
    echoed ||= mutation === echoCredentialShape;
  }

  let text: string;
  const envelope = rng();
  if (envelope < 0.15) {
    const [other, otherBase] = pick(rng, fixtures);
    const second = (PLANTERS[other] as Planter)(otherBase, rng);
    secrets.push(...second.secrets);
    const nested = JSON.stringify(second.record);
    text = JSON.stringify([record, 7, "junk", null, [record], nested, {}]);
  } else if (envelope < 0.25) {
    text = JSON.stringify(JSON.stringify(record));
  } else {
    text = JSON.stringify(record);
  }

  let bytes: Buffer = Buffer.from(text);
  // An echo is caught by its shape (`Bearer x`, `apikey=x`); a flipped byte
  // in that shape leaves a bare random string no scrubber can recognise, so
  // echoes and byte damage are not combined.
  if (rng() < 0.3 && !echoed) {
    bytes = pick(rng, BYTE_MUTATIONS)(bytes, rng);
  }
  return { message: bytes, secrets };
}
