import { distanceKm } from "../enrich/geo-distance.js";
import { Geography } from "./geography.js";
import type { Prng } from "./prng.js";
import { localTime, session, sessionStarts } from "./sessions.js";
import { type Actor, HOUR, MINUTE, type SimRequest, type SimToken } from "./traffic-model.js";
import { COUNTRIES, type Country, type Person, type World } from "./world.js";

/** Cruising speed plus taxi, boarding and the ride from the airport. */
const CRUISE_KMH = 850;
const GROUND_HOURS = 2.5;

/**
 * A person who flies to another country mid-run and keeps working from
 * there: the hotel's network in the destination, and the phone, whose
 * roaming data still leaves through the home carrier (home-routed roaming
 * is how most carriers do it). The time between the last use at home and
 * the first abroad is a real flight time between the two cities, so an
 * impossible-travel detector must not fire.
 */
export class TravellerActor implements Actor {
  readonly scenario = "traveller";
  readonly family = "benign" as const;
  readonly expect = "none" as const;
  readonly attack = null;
  private readonly destination: Country;
  private readonly hotelIp: string;

  constructor(
    readonly id: string,
    readonly token: SimToken,
    readonly person: Person,
    private readonly world: World,
    private readonly flightDay: number,
    rng: Prng,
  ) {
    const abroad = COUNTRIES.filter((c) => c.code !== person.country.code);
    this.destination = rng.pick(abroad);
    this.hotelIp = world.geography.address(Geography.network(this.destination.home), rng);
  }

  /** Hours in the air and on the ground between the two cities. */
  get journeyHours(): number {
    return distanceKm(this.person.country.city, this.destination.city) / CRUISE_KMH + GROUND_HOURS;
  }

  day(dayIndex: number, dayStart: number, rng: Prng): SimRequest[] {
    const home = this.person.country;
    if (dayIndex < this.flightDay) return this.workFrom(dayStart, home, rng, null);
    if (dayIndex > this.flightDay) return this.workFrom(dayStart, this.destination, rng, null);

    // Flight day: a morning at home, depart at noon local, land, then use from the hotel.
    const departure = localTime(dayStart, 12, home.tzHours);
    const arrival = departure + this.journeyHours * HOUR;
    return this.workFrom(dayStart, home, rng, departure).concat(
      this.evening(arrival + HOUR, arrival + 5 * HOUR, rng),
    );
  }

  private workFrom(
    dayStart: number,
    where: Country,
    rng: Prng,
    until: number | null,
  ): SimRequest[] {
    const from = localTime(dayStart, this.person.workStart, where.tzHours);
    const to = until ?? localTime(dayStart, this.person.workEnd, where.tzHours);
    const ip = where === this.person.country ? this.person.homeIp : this.hotelIp;
    const requests: SimRequest[] = [];
    for (const start of sessionStarts(from, to, 30 * MINUTE, rng)) {
      if (until !== null && start > until) break;
      requests.push(...this.sessionAt(start, ip, this.person.laptopUa, rng));
    }
    return requests;
  }

  private evening(from: number, to: number, rng: Prng): SimRequest[] {
    const requests: SimRequest[] = [];
    for (const start of sessionStarts(from, to, 40 * MINUTE, rng)) {
      // The phone roams: its data leaves through the home carrier, at home.
      const phone = rng.chance(0.5);
      const ip = phone ? this.world.geography.address(this.person.mobile, rng) : this.hotelIp;
      requests.push(
        ...this.sessionAt(start, ip, phone ? this.person.phoneUa : this.person.laptopUa, rng),
      );
    }
    return requests;
  }

  private sessionAt(start: number, ip: string, userAgent: string, rng: Prng): SimRequest[] {
    const shape = { ip, userAgent, token: this.token, requests: rng.int(4, 20), gapMs: 8_000 };
    return session(start, shape, rng);
  }
}
