import { readFileSync } from "node:fs";
import ipaddr from "ipaddr.js";
import { parseClientIp } from "../identity/network-key.js";

/*
 * Address → autonomous system number, from the `@ip-location-db/asn` CSV
 * files (RouteViews, the five RIRs via the NRO, and DB-IP; CC BY 4.0). The
 * project publishes no ASN mmdb to npm, so the numeric CSVs are read once
 * into sorted typed arrays and searched by bisection: about 410,000 IPv4 and
 * 100,000 IPv6 ranges, ~5 MB of memory, read in well under a second.
 *
 * IPv6 ranges are compared on their upper 64 bits: announcements are never
 * longer than /64 (routers drop them), so the lower half never decides.
 */

interface RangeTable<T extends Uint32Array | BigUint64Array> {
  readonly starts: T;
  readonly ends: T;
  readonly asns: Uint32Array;
}

const V6_SHIFT = 64n;

/** Reads the ASN ranges of one database directory. */
export class AsnTable {
  private readonly v4: RangeTable<Uint32Array>;
  private readonly v6: RangeTable<BigUint64Array>;

  /** `dir` holds `asn-ipv4-num.csv` and `asn-ipv6-num.csv`. */
  constructor(dir: string) {
    this.v4 = readTable(`${dir}/asn-ipv4-num.csv`, (text) => Number(text), Uint32Array);
    this.v6 = readTable(
      `${dir}/asn-ipv6-num.csv`,
      (text) => BigInt(text) >> V6_SHIFT,
      BigUint64Array,
    );
  }

  /** The ASN announcing `ip`, or null when none does (private, documentation, unrouted). */
  lookup(ip: string): number | null {
    // parseClientIp refuses the short and octal IPv4 forms ipaddr.js accepts.
    const canonical = parseClientIp(ip);
    if (canonical === null) return null;

    return this.lookupAddress(ipaddr.process(canonical));
  }

  /** `lookup` of an address already parsed from its canonical form (IPv4-mapped unwrapped). */
  lookupAddress(address: ipaddr.IPv4 | ipaddr.IPv6): number | null {
    if (address.kind() === "ipv4") {
      const value = (address as ipaddr.IPv4)
        .toByteArray()
        .reduce((acc, byte) => acc * 256 + byte, 0);
      return find(this.v4, value);
    }

    const bytes = (address as ipaddr.IPv6).toByteArray().slice(0, 8);
    const upper = bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
    return find(this.v6, upper);
  }
}

function readTable<T extends Uint32Array | BigUint64Array>(
  path: string,
  parse: (text: string) => number | bigint,
  Kind: { new (length: number): T },
): RangeTable<T> {
  const lines = readFileSync(path, "utf8").split("\n");
  const starts = new Kind(lines.length);
  const ends = new Kind(lines.length);
  const asns = new Uint32Array(lines.length);

  let count = 0;
  for (const line of lines) {
    const [start, end, asn] = line.split(",", 3);
    if (!start || !end || !asn) continue;
    starts[count] = parse(start) as never;
    ends[count] = parse(end) as never;
    asns[count] = Number(asn);
    count += 1;
  }
  return {
    starts: starts.subarray(0, count) as T,
    ends: ends.subarray(0, count) as T,
    asns: asns.subarray(0, count),
  };
}

// The last range starting at or before `value`, if it also ends at or after it.
function find<T extends Uint32Array | BigUint64Array>(
  table: RangeTable<T>,
  value: T[number],
): number | null {
  let low = 0;
  let high = table.starts.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if ((table.starts[mid] as T[number]) <= value) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (found < 0 || (table.ends[found] as T[number]) < value) return null;
  const asn = table.asns[found] ?? 0;
  return asn > 0 ? asn : null;
}
