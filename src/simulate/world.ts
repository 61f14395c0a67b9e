import { Geography, type NetworkSpec } from "./geography.js";
import { Prng } from "./prng.js";
import { USER_AGENTS } from "./sessions.js";

/*
 * The shared places of a simulated run: countries with their networks and
 * time zones, companies whose employees leave through the same few egress
 * addresses (corporate proxies), and mobile carriers' CGNAT pools that many
 * subscribers share. Sharing these between actors is what makes the
 * false-positive traps real: one IP, many tokens.
 */

/** A country the simulated people live in. */
export interface Country {
  readonly code: string;
  /** Standard-time offset east of UTC; daylight saving is ignored. */
  readonly tzHours: number;
  readonly home: string;
  readonly mobile: readonly string[];
  readonly office: string;
  /** A big city of the country, for flights: latitude, longitude. */
  readonly city: { readonly name: string; readonly lat: number; readonly lon: number };
}

/** The countries people live in, each with its home, mobile and office operators. */
export const COUNTRIES: readonly Country[] = [
  country("DE", 1, "telekom-de", ["vodafone-de", "o2-de"], "versatel-de", "Frankfurt", 50.11, 8.68),
  country("GB", 0, "bt-gb", ["three-gb"], "bt-gb", "London", 51.47, -0.45),
  country("US", -5, "comcast-us", ["tmobile-us"], "att-us", "New York", 40.64, -73.78),
  country("FR", 1, "orange-fr", ["orange-fr"], "orange-fr", "Paris", 49.01, 2.55),
  country("JP", 9, "ocn-jp", ["kddi-jp"], "ocn-jp", "Tokyo", 35.55, 139.78),
  country("BR", -3, "vivo-br", ["claro-br"], "vivo-br", "São Paulo", -23.43, -46.47),
];

/** One simulated person's habits and places. */
export interface Person {
  readonly country: Country;
  readonly homeIp: string;
  readonly officeEgress: readonly string[];
  readonly mobile: NetworkSpec;
  readonly laptopUa: string;
  readonly phoneUa: string;
  /** Local hours of the working day. */
  readonly workStart: number;
  readonly workEnd: number;
}

const COMPANIES_PER_COUNTRY = 3;
const CGNAT_POOL_SIZE = 6;

/** Shared places, built lazily and deterministically from the run's seed. */
export class World {
  private readonly companies = new Map<string, string[]>();
  private readonly cgnatPools = new Map<string, string[]>();

  constructor(
    readonly geography: Geography,
    readonly seed: number,
  ) {}

  /** The egress addresses of company `index` in `country` (a proxy all employees share). */
  companyEgress(country: Country, index: number): string[] {
    const key = `${country.code}/${index % COMPANIES_PER_COUNTRY}`;
    let egress = this.companies.get(key);
    if (!egress) {
      const rng = Prng.derive(this.seed, "company", key);
      egress = this.geography.pool(Geography.network(country.office), rng.int(1, 3), rng);
      this.companies.set(key, egress);
    }
    return egress;
  }

  /** A carrier's small CGNAT pool, shared by every CGNAT subscriber of that carrier. */
  cgnatPool(network: NetworkSpec): string[] {
    let pool = this.cgnatPools.get(network.name);
    if (!pool) {
      const rng = Prng.derive(this.seed, "cgnat", network.name);
      pool = this.geography.pool(network, CGNAT_POOL_SIZE, rng);
      this.cgnatPools.set(network.name, pool);
    }
    return pool;
  }

  /** A new person, living in `country` or a random one. */
  person(rng: Prng, home?: Country): Person {
    const place = home ?? rng.pick(COUNTRIES);
    return {
      country: place,
      homeIp: this.geography.address(Geography.network(place.home), rng),
      officeEgress: this.companyEgress(place, rng.int(0, COMPANIES_PER_COUNTRY - 1)),
      mobile: Geography.network(rng.pick(place.mobile)),
      laptopUa: rng.pick([
        USER_AGENTS.chromeMac,
        USER_AGENTS.edgeWindows,
        USER_AGENTS.firefoxLinux,
      ]),
      phoneUa: rng.pick([USER_AGENTS.safariIphone, USER_AGENTS.androidApp, USER_AGENTS.iosApp]),
      workStart: rng.normal(8.5, 0.6),
      workEnd: rng.normal(17.5, 0.7),
    };
  }
}

function country(
  code: string,
  tzHours: number,
  home: string,
  mobile: string[],
  office: string,
  name: string,
  lat: number,
  lon: number,
): Country {
  return { code, tzHours, home, mobile, office, city: { name, lat, lon } };
}
