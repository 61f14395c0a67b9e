import assert from "node:assert/strict";
import { configSchema } from "../../../src/config/schema.js";
import { type GeoFacts, sharedGeoIp } from "../../../src/enrich/geo-ip.js";

/*
 * The client addresses the scenarios use, with what each scenario relies
 * on: its country and network operator. `place()` looks every address up
 * in the bundled geo-IP databases and fails the test when the database
 * says otherwise, so a scenario never rests on a guessed mapping (and a
 * database update that moves an address shows up here, not as a puzzling
 * detection change).
 */

interface Claim {
  readonly ip: string;
  readonly country: string | null;
  readonly asn: number | null;
}

/** Named addresses: home, mobile, office, VPN, cloud, abroad. */
export const PLACES = {
  /** Deutsche Telekom fixed line, Frankfurt. */
  homeDe: { ip: "217.0.0.77", country: "DE", asn: 3320 },
  /** Vodafone Germany (mobile and cable). */
  mobileDe: { ip: "109.40.0.1", country: "DE", asn: 3209 },
  mobileDe2: { ip: "31.16.0.1", country: "DE", asn: 3209 },
  mobileDe3: { ip: "2.200.0.1", country: "DE", asn: 3209 },
  /** Telefonica Germany (o2). */
  o2De: { ip: "89.204.130.1", country: "DE", asn: 6805 },
  /** 1&1 Versatel, a corporate uplink. */
  officeDe: { ip: "94.134.0.1", country: "DE", asn: 8881 },
  /** Hetzner: where a company's VPN concentrator lives. */
  vpnDe: { ip: "88.198.0.1", country: "DE", asn: 24940 },
  /** A consumer VPN exit in the Netherlands. */
  vpnNl: { ip: "185.107.56.1", country: "NL", asn: 43350 },
  /** Deutsche Telekom IPv6, one /64 with rotating privacy addresses. */
  homeDeV6: { ip: "2003:e0:1234:5678::1", country: "DE", asn: 3320 },
  /** Amazon eu-central-1 addresses. */
  awsDe1: { ip: "3.120.0.1", country: "DE", asn: 16509 },
  awsDe2: { ip: "3.121.5.6", country: "DE", asn: 16509 },
  awsDe3: { ip: "3.122.9.9", country: "DE", asn: 16509 },
  /** Andrews & Arnold, London. */
  london: { ip: "81.2.69.142", country: "GB", asn: 20712 },
  /** Comcast, US. */
  comcastUs: { ip: "73.0.0.1", country: "US", asn: 7922 },
  /** Brazil: the attacker's side of the world. */
  brazil: { ip: "177.0.0.1", country: "BR", asn: 8167 },
  brazil2: { ip: "177.10.0.1", country: "BR", asn: 53230 },
  /** RFC 5737 documentation range: no geo at all. */
  documentation: { ip: "192.0.2.44", country: null, asn: null },
} as const satisfies Record<string, Claim>;

export type PlaceName = keyof typeof PLACES;

const geo = sharedGeoIp(configSchema.parse({}).enrich);
const checked = new Set<string>();

/** The address of a named place, after checking the database agrees with the claim. */
export function place(name: PlaceName): string {
  const claim: Claim = PLACES[name];
  if (!checked.has(name)) {
    const facts: GeoFacts = geo.lookup(claim.ip);
    assert.deepEqual(
      { country: facts.country, asn: facts.asn },
      { country: claim.country, asn: claim.asn },
      `geo-IP database disagrees about ${name} (${claim.ip})`,
    );
    checked.add(name);
  }
  return claim.ip;
}

/** Another address in the same IPv4 /24 or IPv6 /64 (a rotating address). */
export function neighbour(name: PlaceName, host: number): string {
  const ip = place(name);
  if (ip.includes(":")) return ip.replace(/::1$/, `:${host.toString(16)}:a:b:c`);
  return ip.replace(/\.\d+$/, `.${host}`);
}
