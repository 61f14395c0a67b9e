import { Geography } from "./geography.js";
import type { Prng } from "./prng.js";
import { session, USER_AGENTS } from "./sessions.js";
import { type Actor, DAY, SECOND, type SimRequest, type SimToken } from "./traffic-model.js";
import type { World } from "./world.js";

/*
 * Machines with tokens: a service fanning out over many workers in a cloud
 * region around the clock, and a health check hitting one path every few
 * seconds. Both look nothing like a person, and neither is an attack.
 */

/** Machine roles. */
export type MachineStyle = "service-token" | "health-check";

const CLOUDS = ["aws-de", "aws-us", "google-us"];

/** A machine client of the API. */
export class MachineActor implements Actor {
  readonly family = "benign" as const;
  readonly expect = "none" as const;
  readonly attack = null;
  private readonly workers: readonly string[];
  private readonly everyMs: number;

  constructor(
    readonly id: string,
    readonly scenario: MachineStyle,
    readonly token: SimToken,
    world: World,
    rng: Prng,
  ) {
    const cloud = Geography.network(rng.pick(CLOUDS));
    const size = scenario === "service-token" ? rng.int(3, 8) : 2;
    this.workers = world.geography.pool(cloud, size, rng);
    this.everyMs = scenario === "service-token" ? rng.int(60, 300) * SECOND : 15 * SECOND;
  }

  day(_dayIndex: number, dayStart: number, rng: Prng): SimRequest[] {
    return this.scenario === "service-token"
      ? this.serviceDay(dayStart, rng)
      : this.probeDay(dayStart, rng);
  }

  /** Every worker polls on its own period, with a batch of calls each time. */
  private serviceDay(dayStart: number, rng: Prng): SimRequest[] {
    const requests: SimRequest[] = [];
    for (const worker of this.workers) {
      for (let at = dayStart + rng.between(0, this.everyMs); at < dayStart + DAY; ) {
        const shape = {
          ip: worker,
          userAgent: USER_AGENTS.serviceClient,
          token: this.token,
          requests: rng.int(1, 4),
          gapMs: 300,
          writeShare: 0.3,
        };
        requests.push(...session(at, shape, rng));
        at += this.everyMs * rng.between(0.8, 1.2);
      }
    }
    return requests;
  }

  /** Two load balancers probing `/health` alternately, every 15 s. */
  private probeDay(dayStart: number, rng: Prng): SimRequest[] {
    const requests: SimRequest[] = [];
    for (let at = dayStart, i = 0; at < dayStart + DAY; at += this.everyMs, i++) {
      const shape = {
        ip: this.workers[i % this.workers.length] as string,
        userAgent: USER_AGENTS.probe,
        token: this.token,
        requests: 1,
        gapMs: 1_000,
        writeShare: 0,
        path: "/health",
      };
      requests.push(...session(at + rng.between(0, 500), shape, rng));
    }
    return requests;
  }
}
