import { Geography } from "./geography.js";
import type { Prng } from "./prng.js";
import {
  deviceSessions,
  localTime,
  type SessionShape,
  session,
  sessionStarts,
  weekday,
} from "./sessions.js";
import { type Actor, HOUR, MINUTE, type SimRequest, type SimToken } from "./traffic-model.js";
import type { Person, World } from "./world.js";

/*
 * People using their own token the way people do. Each style is one of the
 * false-positive traps a detector must survive: a corporate proxy shared by
 * a whole company, a phone whose carrier hands out a new address every few
 * minutes, CGNAT pools shared by thousands, a VPN switched on and off (with
 * split tunnelling), a phone and a laptop in use at the same time, and
 * tokens that make a handful of requests a day.
 */

/** How a person uses the token. */
export type UserStyle =
  | "office-worker"
  | "mobile-user"
  | "cgnat-user"
  | "phone-and-laptop"
  | "vpn-user"
  | "low-volume";

const VPN_EXITS = ["m247-nl", "datacamp-gb"];

/** A person with one token, living by the habits of their style. */
export class PersonActor implements Actor {
  readonly family = "benign" as const;
  readonly expect = "none" as const;
  readonly attack = null;
  private readonly vpnExit: string | null;
  /** Whether the VPN is switched on; it stays so across sessions and days until toggled. */
  private vpnOn = false;

  constructor(
    readonly id: string,
    readonly scenario: UserStyle,
    readonly token: SimToken,
    readonly person: Person,
    private readonly world: World,
    rng: Prng,
  ) {
    this.vpnExit = scenario === "vpn-user" ? world.geography.address(exit(rng), rng) : null;
  }

  day(_dayIndex: number, dayStart: number, rng: Prng): SimRequest[] {
    const { person } = this;
    const workday = weekday(dayStart, person.country.tzHours) < 5;
    switch (this.scenario) {
      case "low-volume":
        return this.lowVolume(dayStart, rng);
      case "mobile-user":
      case "cgnat-user":
        return this.phoneDay(dayStart, rng, 7, 23, 50 * MINUTE);
      case "phone-and-laptop":
        return [
          ...(workday ? this.officeDay(dayStart, rng) : []),
          ...this.phoneDay(dayStart, rng, 8, 22, 90 * MINUTE),
        ];
      default:
        return workday ? this.officeDay(dayStart, rng) : this.eveningAtHome(dayStart, rng, 0.3);
    }
  }

  /** Working hours on the laptop (office egress or VPN), plus sometimes an evening at home. */
  private officeDay(dayStart: number, rng: Prng): SimRequest[] {
    const { person } = this;
    const tz = person.country.tzHours;
    const from = localTime(dayStart, rng.normal(person.workStart, 0.3), tz);
    const to = localTime(dayStart, rng.normal(person.workEnd, 0.3), tz);
    const office = rng.pick(person.officeEgress);
    const requests = deviceSessions(sessionStarts(from, to, 25 * MINUTE, rng), (start) =>
      session(start, this.laptopShape(office, rng, 28), rng),
    );
    return [...requests, ...this.eveningAtHome(dayStart, rng, 0.25)];
  }

  private eveningAtHome(dayStart: number, rng: Prng, probability: number): SimRequest[] {
    if (!rng.chance(probability)) return [];
    const start = localTime(dayStart, rng.between(19, 22), this.person.country.tzHours);
    return session(start, this.laptopShape(this.person.homeIp, rng, 15), rng);
  }

  /**
   * A laptop session. A VPN user switches the VPN (exit abroad) on or off
   * now and then, between sessions (a quarter of the time); a fifth of the
   * sessions on the VPN lose the tunnel for a few requests and come back
   * (direct, then the exit again), as flaky VPN clients do.
   */
  private laptopShape(direct: string, rng: Prng, size: number): SessionShape {
    const vpn = this.vpnExit;
    if (rng.chance(0.25)) this.vpnOn = !this.vpnOn;
    const viaVpn = vpn !== null && this.vpnOn;
    const dropout = viaVpn && rng.chance(0.2) ? droppedTunnel(vpn, direct, rng) : null;
    return {
      ip: dropout ?? (viaVpn ? vpn : direct),
      userAgent: this.person.laptopUa,
      token: this.token,
      requests: rng.int(Math.ceil(size / 3), size),
      gapMs: rng.between(4_000, 20_000),
    };
  }

  /** Phone sessions over the carrier: the address changes between sessions. */
  private phoneDay(
    dayStart: number,
    rng: Prng,
    fromHour: number,
    toHour: number,
    gapMs: number,
  ): SimRequest[] {
    const { person } = this;
    const tz = person.country.tzHours;
    const pool = this.scenario === "cgnat-user" ? this.world.cgnatPool(person.mobile) : null;
    let ip = pool ? rng.pick(pool) : this.world.geography.address(person.mobile, rng);
    const starts = sessionStarts(
      localTime(dayStart, fromHour, tz),
      localTime(dayStart, toHour, tz),
      gapMs,
      rng,
    );
    return deviceSessions(starts, (start) => {
      // Carriers re-address a phone when it re-attaches; the home Wi-Fi is the exception.
      if (rng.chance(0.6)) {
        ip = pool ? rng.pick(pool) : this.world.geography.address(person.mobile, rng);
      }
      const shape: SessionShape = {
        ip: rng.chance(0.2) ? person.homeIp : ip,
        userAgent: person.phoneUa,
        token: this.token,
        requests: rng.int(3, 15),
        gapMs: rng.between(3_000, 12_000),
      };
      return session(start, shape, rng);
    });
  }

  private lowVolume(dayStart: number, rng: Prng): SimRequest[] {
    const requests: SimRequest[] = [];
    const count = rng.int(0, 4);
    for (let i = 0; i < count; i++) {
      const start = dayStart + rng.between(0, 24) * HOUR;
      const shape: SessionShape = {
        ip: rng.chance(0.5) ? this.person.homeIp : rng.pick(this.person.officeEgress),
        userAgent: this.person.laptopUa,
        token: this.token,
        requests: 1,
        gapMs: 1_000,
      };
      requests.push(...session(start, shape, rng));
    }
    return requests;
  }
}

/** Addresses of a session whose tunnel drops once: the exit, a few direct requests, the exit. */
function droppedTunnel(vpn: string, direct: string, rng: Prng): () => string {
  const dropAt = rng.int(2, 6);
  const back = dropAt + rng.int(1, 4);
  let index = 0;
  return () => {
    index += 1;
    return index > dropAt && index <= back ? direct : vpn;
  };
}

function exit(rng: Prng) {
  return Geography.network(rng.pick(VPN_EXITS));
}
