import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/**
 * Parse one CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a bare address, which
 * stands for itself (/32 or /128). Returns `null` when it is neither.
 */
export function parseCidr(text: string): Range | null {
  const value = text.trim();

  try {
    if (value.includes("/")) return ipaddr.parseCIDR(value);

    const address = ipaddr.parse(value);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  } catch {
    return null;
  }
}

/**
 * Parse a client address. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`)
 * become IPv4, because dual-stack gateways log IPv4 clients that way and an
 * operator's IPv4 CIDRs must still match them.
 */
export function parseAddress(text: string): Address | null {
  try {
    return ipaddr.process(text.trim());
  } catch {
    return null;
  }
}

/** A fixed set of CIDRs, matched against client addresses. */
export class CidrSet {
  readonly #ranges: readonly Range[];

  /** @throws Error naming the first entry that is not a CIDR or an address. */
  constructor(entries: readonly string[]) {
    this.#ranges = entries.map((entry) => {
      const range = parseCidr(entry);
      if (!range) throw new Error(`"${entry}" is not a CIDR or an IP address`);
      return range;
    });
  }

  get size(): number {
    return this.#ranges.length;
  }

  /** Whether the address lies in any range; unparsable addresses match nothing. */
  has(ip: string): boolean {
    const address = parseAddress(ip);
    if (!address) return false;

    return this.#ranges.some(
      ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
    );
  }
}

const cache = new Map<string, CidrSet>();
const CACHE_LIMIT = 1024;

/**
 * The CidrSet of a list of CIDRs, memoized by its text. CEL functions receive
 * their list argument anew on every call; parsing it every time would
 * dominate evaluation. Lists come from rule files, so the cache stays small;
 * the limit only guards against lists built from event data.
 */
export function cidrSetOf(entries: readonly string[]): CidrSet {
  const key = entries.join(",");
  const known = cache.get(key);
  if (known) return known;

  const set = new CidrSet(entries);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, set);
  return set;
}
