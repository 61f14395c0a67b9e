import { Geography } from "./geography.js";
import type { Prng } from "./prng.js";
import { localTime, type SessionShape, session, sessionStarts, USER_AGENTS } from "./sessions.js";
import {
  type Actor,
  type AttackFacts,
  type Expectation,
  MINUTE,
  newAttackFacts,
  recordAttack,
  type ScenarioFamily,
  SECOND,
  type SimRequest,
} from "./traffic-model.js";
import { COUNTRIES, type Person, type World } from "./world.js";

/*
 * Attacks on a person's token. The owner keeps living by their habits; the
 * attack adds requests from somewhere else from its start day on. Each
 * attack is one scenario of the evaluation, with the family its targets
 * are stated for and what tokenwatch should do about it.
 */

/** The attack scenarios. */
export type AttackStyle =
  | "sharing"
  | "theft-owner-active"
  | "theft-unusual-hours"
  | "theft-low-and-slow"
  | "scraping-burst"
  | "expired-token-replay"
  | "token-exposure";

const FAMILY: Record<AttackStyle, { family: ScenarioFamily; expect: Expectation }> = {
  sharing: { family: "sharing", expect: "revoke" },
  "theft-owner-active": { family: "theft", expect: "revoke" },
  "theft-unusual-hours": { family: "theft", expect: "revoke" },
  "theft-low-and-slow": { family: "theft", expect: "revoke" },
  "scraping-burst": { family: "abuse", expect: "alert" },
  "expired-token-replay": { family: "abuse", expect: "alert" },
  "token-exposure": { family: "exposure", expect: "alert" },
};

const ATTACKER_NETWORKS = [
  "digitalocean-us",
  "ovh-fr",
  "hetzner-de",
  "jio-in",
  "claro-br",
  "m247-nl",
];

type Plan = (dayStart: number, rng: Prng) => SimRequest[];

/** A person's token with an attack on it from `startDay` on. */
export class AttackedActor implements Actor {
  readonly family: ScenarioFamily;
  readonly expect: Expectation;
  readonly attack: AttackFacts = newAttackFacts();
  private readonly plan: Plan;

  constructor(
    readonly id: string,
    readonly scenario: AttackStyle,
    private readonly owner: Actor & { readonly person: Person },
    private readonly world: World,
    private readonly startDay: number,
    rng: Prng,
  ) {
    ({ family: this.family, expect: this.expect } = FAMILY[scenario]);
    this.plan = this.makePlan(rng);
  }

  get token() {
    return this.owner.token;
  }

  day(dayIndex: number, dayStart: number, rng: Prng): SimRequest[] {
    let requests = this.owner.day(dayIndex, dayStart, rng);
    if (this.scenario === "token-exposure" && dayIndex >= this.startDay) {
      requests = expose(requests, rng);
    }
    if (this.scenario === "expired-token-replay" && dayIndex >= this.startDay) {
      // The owner's app moved to a fresh token when this one expired.
      requests = requests.filter((r) => r.ts < (this.token.expiresAt ?? Number.POSITIVE_INFINITY));
    }
    if (dayIndex >= this.startDay) requests = requests.concat(this.plan(dayStart, rng));
    recordAttack(this.attack, requests);
    return requests;
  }

  private makePlan(rng: Prng): Plan {
    const tz = this.owner.person.country.tzHours;
    const attacker = (network = rng.pick(ATTACKER_NETWORKS)) =>
      this.world.geography.address(Geography.network(network), rng);
    const shape = (ip: string, ua: string, requests: number, gapMs: number): SessionShape => ({
      ip,
      userAgent: ua,
      token: this.token,
      requests,
      gapMs,
      actor: "attacker",
    });

    switch (this.scenario) {
      case "sharing": {
        const others = this.sharers(rng);
        return (dayStart, r) =>
          others.flatMap((p) =>
            sessionStarts(
              localTime(dayStart, p.workStart, p.country.tzHours),
              localTime(dayStart, p.workEnd, p.country.tzHours),
              35 * MINUTE,
              r,
            ).flatMap((at) => session(at, shape(p.homeIp, p.laptopUa, r.int(5, 25), 9_000), r)),
          );
      }
      case "theft-owner-active": {
        const ip = attacker(rng.pick(["jio-in", "claro-br", "digitalocean-us"]));
        return (dayStart, r) =>
          sessionStarts(
            localTime(dayStart, 9, tz),
            localTime(dayStart, 17, tz),
            40 * MINUTE,
            r,
          ).flatMap((at) => session(at, shape(ip, USER_AGENTS.chromeMac, r.int(8, 30), 6_000), r));
      }
      case "theft-unusual-hours": {
        const ip = attacker();
        return (dayStart, r) =>
          sessionStarts(
            localTime(dayStart, 1.5, tz),
            localTime(dayStart, 4.5, tz),
            30 * MINUTE,
            r,
          ).flatMap((at) =>
            session(at, shape(ip, USER_AGENTS.pythonClient, r.int(10, 40), 4_000), r),
          );
      }
      case "theft-low-and-slow": {
        const ip = attacker(rng.pick(["digitalocean-us", "ovh-fr", "hetzner-de"]));
        return (dayStart, r) =>
          sessionStarts(dayStart, dayStart + 24 * 60 * MINUTE, 25 * MINUTE, r).flatMap((at) =>
            session(at, shape(ip, USER_AGENTS.curl, 1, 1_000), r),
          );
      }
      case "scraping-burst": {
        // One burst on the attack's first day: 5–15 requests a second for 3–10 minutes.
        const ips = this.world.geography.pool(Geography.network("digitalocean-us"), 2, rng);
        let done = false;
        return (dayStart, r) => {
          if (done) return [];
          done = true;
          const gap = SECOND / r.int(5, 15);
          const requests = Math.round((r.int(3, 10) * MINUTE) / gap);
          const burst = shape(ips[0] as string, USER_AGENTS.pythonClient, requests, gap);
          const at = dayStart + r.between(0, 20) * 60 * MINUTE;
          return session(at, { ...burst, ip: () => r.pick(ips) }, r);
        };
      }
      case "expired-token-replay": {
        const ip = attacker();
        return (_dayStart, r) => {
          const expiry = this.token.expiresAt ?? 0;
          return sessionStarts(
            expiry + 10 * MINUTE,
            expiry + 6 * 60 * MINUTE,
            45 * MINUTE,
            r,
          ).flatMap((at) =>
            session(at, shape(ip, USER_AGENTS.pythonClient, r.int(3, 10), 5_000), r),
          );
        };
      }
      case "token-exposure":
        return () => [];
    }
  }

  /** 2–10 people sharing the token, each on their own network, some in other countries. */
  private sharers(rng: Prng): Person[] {
    const count = rng.int(1, 9);
    const home = this.owner.person.country;
    return Array.from({ length: count }, () =>
      this.world.person(rng, rng.chance(0.6) ? home : rng.pick(COUNTRIES)),
    );
  }
}

/**
 * The owner's own requests, but a quarter of them carry the token in the
 * URL or over plain HTTP (a script, an old client, a link pasted into chat).
 */
function expose(requests: readonly SimRequest[], rng: Prng): SimRequest[] {
  const inUrl = rng.chance(0.5);
  return requests.map((request) =>
    rng.chance(0.25)
      ? {
          ...request,
          actor: "attacker" as const,
          ...(inUrl ? { location: "query" as const } : { scheme: "http" as const }),
        }
      : request,
  );
}
