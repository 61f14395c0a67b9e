import { readFileSync } from "node:fs";
import { packageDir } from "../enrich/geo-ip.js";
import type { Prng } from "./prng.js";

/*
 * Where simulated clients are on the Internet. Addresses are drawn from the
 * real ranges an operator announces (`@ip-location-db/asn`, the table the
 * enrich step reads) and kept only when the city database the detectors use
 * places them in the intended country, so the geo and ASN signals a
 * detector sees are the ones a real user of that network would produce.
 */

/** What a network is for in the simulation. */
export type NetworkKind = "home" | "mobile" | "office" | "cloud" | "vpn" | "hosting";

/** A real operator in one country. */
export interface NetworkSpec {
  readonly name: string;
  readonly asn: number;
  readonly country: string;
  readonly kind: NetworkKind;
}

/** The operators the populations and attacks draw from; each checked against the databases. */
export const NETWORKS: readonly NetworkSpec[] = [
  { name: "telekom-de", asn: 3320, country: "DE", kind: "home" },
  { name: "vodafone-de", asn: 3209, country: "DE", kind: "mobile" },
  { name: "o2-de", asn: 6805, country: "DE", kind: "mobile" },
  { name: "versatel-de", asn: 8881, country: "DE", kind: "office" },
  { name: "bt-gb", asn: 2856, country: "GB", kind: "home" },
  { name: "three-gb", asn: 206067, country: "GB", kind: "mobile" },
  { name: "comcast-us", asn: 7922, country: "US", kind: "home" },
  { name: "tmobile-us", asn: 21928, country: "US", kind: "mobile" },
  { name: "att-us", asn: 7018, country: "US", kind: "office" },
  { name: "orange-fr", asn: 3215, country: "FR", kind: "home" },
  { name: "ocn-jp", asn: 4713, country: "JP", kind: "home" },
  { name: "kddi-jp", asn: 2516, country: "JP", kind: "mobile" },
  { name: "vivo-br", asn: 18881, country: "BR", kind: "home" },
  { name: "claro-br", asn: 28573, country: "BR", kind: "mobile" },
  { name: "jio-in", asn: 55836, country: "IN", kind: "mobile" },
  { name: "aws-de", asn: 16509, country: "DE", kind: "cloud" },
  { name: "aws-us", asn: 14618, country: "US", kind: "cloud" },
  { name: "google-us", asn: 396982, country: "US", kind: "cloud" },
  { name: "m247-nl", asn: 9009, country: "NL", kind: "vpn" },
  { name: "datacamp-gb", asn: 60068, country: "GB", kind: "vpn" },
  { name: "digitalocean-us", asn: 14061, country: "US", kind: "hosting" },
  { name: "ovh-fr", asn: 16276, country: "FR", kind: "hosting" },
  { name: "hetzner-de", asn: 24940, country: "DE", kind: "hosting" },
];

/** Answers which country an address is in, e.g. the enrich step's `GeoIp`. */
export interface CountryLookup {
  lookup(ip: string): { readonly country: string | null; readonly asn: number | null };
}

interface Range {
  readonly start: number;
  readonly size: number;
}

const MAX_TRIES = 200;

/** Draws addresses of the catalogued operators, checked against the geo-IP databases. */
export class Geography {
  private readonly ranges = new Map<number, { list: Range[]; total: number }>();

  constructor(
    private readonly geo: CountryLookup,
    networks: readonly NetworkSpec[] = NETWORKS,
    asnDir: string = packageDir("@ip-location-db/asn"),
  ) {
    const wanted = new Set(networks.map((network) => network.asn));
    for (const line of readFileSync(`${asnDir}/asn-ipv4-num.csv`, "utf8").split("\n")) {
      const [start, end, asn] = line.split(",", 3);
      if (!start || !end || !wanted.has(Number(asn))) continue;
      const entry = this.ranges.get(Number(asn)) ?? { list: [], total: 0 };
      const size = Number(end) - Number(start) + 1;
      entry.list.push({ start: Number(start), size });
      entry.total += size;
      this.ranges.set(Number(asn), entry);
    }
  }

  /** The catalogued networks of one kind, optionally in one country. */
  static networks(kind: NetworkKind, country?: string): NetworkSpec[] {
    return NETWORKS.filter((n) => n.kind === kind && (!country || n.country === country));
  }

  /** One catalogued network by name. */
  static network(name: string): NetworkSpec {
    const found = NETWORKS.find((network) => network.name === name);
    if (!found) throw new RangeError(`no simulated network named ${name}`);
    return found;
  }

  /**
   * A random IPv4 address the databases place in `network`'s ASN and
   * country. Ranges are chosen in proportion to their size, as addresses are.
   */
  address(network: NetworkSpec, rng: Prng): string {
    const entry = this.ranges.get(network.asn);
    if (!entry) throw new RangeError(`ASN ${network.asn} (${network.name}) announces nothing`);

    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      let offset = Math.floor(rng.next() * entry.total);
      let range = entry.list[0] as Range;
      for (const candidate of entry.list) {
        range = candidate;
        if (offset < candidate.size) break;
        offset -= candidate.size;
      }
      const ip = toIpv4(range.start + Math.min(offset, range.size - 1));
      if (ip.endsWith(".0") || ip.endsWith(".255")) continue;
      const facts = this.geo.lookup(ip);
      if (facts.country === network.country && facts.asn === network.asn) return ip;
    }
    throw new RangeError(`no address of ${network.name} placed in ${network.country}`);
  }

  /** `size` distinct addresses of one network: a carrier's pool, a company's egress. */
  pool(network: NetworkSpec, size: number, rng: Prng): string[] {
    const addresses = new Set<string>();
    while (addresses.size < size) addresses.add(this.address(network, rng));
    return [...addresses];
  }
}

function toIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}
