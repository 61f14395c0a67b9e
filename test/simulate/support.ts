import { configSchema } from "../../src/config/schema.js";
import { sharedGeoIp } from "../../src/enrich/geo-ip.js";
import { Fingerprinter } from "../../src/identity/fingerprint.js";
import { Normalizer } from "../../src/ingest/normalize.js";
import { Geography } from "../../src/simulate/geography.js";
import { World } from "../../src/simulate/world.js";

/*
 * The simulator's parts as the commands assemble them: the bundled geo-IP
 * databases (read once per process), the default configuration, and a
 * fingerprint key of the tests' own.
 */

export const TEST_KEY = "simulate-test-fingerprint-key-0123";
export const CONFIG = configSchema.parse({});
export const GEO = sharedGeoIp(CONFIG.enrich);

let geography: Geography | null = null;

/** The catalogue's address ranges, read once for every test in the process. */
export function testGeography(): Geography {
  geography ??= new Geography(GEO);
  return geography;
}

export function testWorld(seed: number): World {
  return new World(testGeography(), seed);
}

export function testNormalizer(): Normalizer {
  return new Normalizer(CONFIG, new Fingerprinter(TEST_KEY), {}, () => Date.UTC(2100, 0, 1));
}

/**
 * Every credential the simulator planted in `traffic`, in each place its
 * formats put one: a bearer header, an `access_token` or `apikey` field, or
 * the same names in a request URL's query.
 */
export function plantedSecrets(traffic: string): string[] {
  const patterns = [
    /Bearer ([\w.~+/-]+)/g,
    /"(?:access_token|apikey)":"([^"]+)"/g,
    /[?&](?:access_token|apikey)=([^&"\s]+)/g,
  ];
  const found = new Set<string>();
  for (const pattern of patterns) {
    for (const match of traffic.matchAll(pattern)) found.add(match[1] as string);
  }
  return [...found];
}
