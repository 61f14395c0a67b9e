import { AttackedActor, type AttackStyle } from "./attacks.js";
import { MachineActor, type MachineStyle } from "./benign-machines.js";
import { PersonActor, type UserStyle } from "./benign-users.js";
import { Prng } from "./prng.js";
import { type Actor, DAY, HOUR, newToken } from "./traffic-model.js";
import { TravellerActor } from "./traveller.js";
import type { World } from "./world.js";

/*
 * Who is in a simulated run: the share of tokens each scenario gets. Most
 * tokens are benign, as in real traffic; every scenario gets at least one
 * token so that even a smoke run scores each of them.
 */

type Scenario = UserStyle | MachineStyle | AttackStyle | "traveller";

/** Share of the tokens per scenario; office workers take what is left. */
export const SCENARIO_SHARES: Readonly<Record<Scenario, number>> = {
  "office-worker": 0,
  "phone-and-laptop": 0.1,
  "mobile-user": 0.1,
  "cgnat-user": 0.08,
  "vpn-user": 0.08,
  traveller: 0.06,
  "low-volume": 0.08,
  "service-token": 0.04,
  "health-check": 0.02,
  sharing: 0.06,
  "theft-owner-active": 0.04,
  "theft-unusual-hours": 0.03,
  "theft-low-and-slow": 0.03,
  "scraping-burst": 0.02,
  "expired-token-replay": 0.02,
  "token-exposure": 0.02,
};

/** The run being cast. */
export interface CastPlan {
  readonly tokens: number;
  readonly days: number;
  readonly start: number;
  readonly seed: number;
}

/**
 * Tokens per scenario: at least one each, the rest office workers. The
 * total is `tokens` exactly once it is above the 16 scenarios.
 */
export function scenarioCounts(tokens: number): Map<Scenario, number> {
  const counts = new Map<Scenario, number>();
  let used = 0;
  for (const [scenario, share] of Object.entries(SCENARIO_SHARES) as [Scenario, number][]) {
    if (share === 0) continue;
    const count = Math.max(1, Math.floor(share * tokens));
    counts.set(scenario, count);
    used += count;
  }
  counts.set("office-worker", Math.max(1, tokens - used));
  return counts;
}

/** Build every actor of the run, deterministically from the seed. */
export function cast(world: World, plan: CastPlan): Actor[] {
  const actors: Actor[] = [];
  for (const [scenario, count] of scenarioCounts(plan.tokens)) {
    for (let i = 0; i < count; i++) {
      const id = `${scenario}-${String(i).padStart(5, "0")}`;
      actors.push(actorFor(world, plan, scenario, id, Prng.derive(plan.seed, "cast", id)));
    }
  }
  return actors;
}

function actorFor(world: World, plan: CastPlan, scenario: Scenario, id: string, rng: Prng): Actor {
  const issued = plan.start - rng.between(1, 10) * DAY;
  switch (scenario) {
    case "service-token":
    case "health-check":
      return new MachineActor(id, scenario, newToken(rng, "opaque", issued), world, rng);
    case "traveller": {
      const flightDay = plan.days > 1 ? rng.int(1, plan.days - 1) : 0;
      return new TravellerActor(
        id,
        newToken(rng, "jwt", issued),
        world.person(rng),
        world,
        flightDay,
        rng,
      );
    }
    case "office-worker":
    case "phone-and-laptop":
    case "mobile-user":
    case "cgnat-user":
    case "vpn-user":
    case "low-volume":
      return new PersonActor(
        id,
        scenario,
        newToken(rng, "jwt", issued),
        world.person(rng),
        world,
        rng,
      );
    default:
      return attacked(world, plan, scenario, id, rng);
  }
}

/**
 * An office worker (or a person with a phone and a laptop) whose token is
 * attacked from a day in the second half of the run, so detectors have the
 * owner's history to learn from first.
 */
function attacked(
  world: World,
  plan: CastPlan,
  scenario: AttackStyle,
  id: string,
  rng: Prng,
): Actor {
  const startDay = plan.days > 1 ? rng.int(Math.ceil(plan.days / 2), plan.days - 1) : 0;
  // An expired-token replay needs a token that expires on the attack day.
  const expiresOn = plan.start + startDay * DAY + rng.between(6, 14) * HOUR;
  const issued = scenario === "expired-token-replay" ? expiresOn - 30 * DAY : plan.start - DAY;
  const token = newToken(rng, "jwt", issued);
  const style: UserStyle = rng.chance(0.7) ? "office-worker" : "phone-and-laptop";
  const owner = new PersonActor(`${id}-owner`, style, token, world.person(rng), world, rng);
  return new AttackedActor(id, scenario, owner, world, startDay, rng);
}
