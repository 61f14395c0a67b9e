import type { TokenLabel } from "../evaluate/label.js";
import type { Normalizer } from "../ingest/normalize.js";
import { cast } from "./cast.js";
import { formatRecord, type SimFormat } from "./format-writers.js";
import { Prng } from "./prng.js";
import { type Actor, DAY, type SimRequest } from "./traffic-model.js";
import type { World } from "./world.js";

/** What to simulate. */
export interface SimulationPlan {
  readonly tokens: number;
  readonly days: number;
  readonly seed: number;
  /** UTC midnight the run starts at. */
  readonly start: number;
  readonly format: SimFormat;
}

/** Where the simulation writes; each call may wait for the sink to drain. */
export interface SimulationSinks {
  readonly traffic: (text: string) => Promise<void>;
  readonly labels: (label: TokenLabel) => Promise<void>;
}

/** What the simulation wrote. */
export interface SimulationSummary {
  readonly events: number;
  readonly tokens: number;
  readonly attacked: number;
  readonly scenarios: Readonly<Record<string, number>>;
}

interface ActorTally {
  readonly days: Set<number>;
  requests: number;
}

const CHUNK_CHARS = 1 << 20;
const LOOKBACK_MS = 12 * 60 * 60 * 1000;

/**
 * Generate the run day by day, so memory holds one day of requests rather
 * than the whole run: each actor's requests of a day are merged, sorted by
 * time and written up to where the next day's requests may begin (time
 * zones put a "day" anywhere within ±12 h of UTC midnight); the rest waits
 * for the next day's batch. Labels name tokens by
 * the fingerprint the pipeline computes for them (`labelFingerprint`).
 */
export async function simulate(
  world: World,
  plan: SimulationPlan,
  sinks: SimulationSinks,
  labelFingerprint: (request: SimRequest) => string,
): Promise<SimulationSummary> {
  const actors = cast(world, { ...plan });
  const tallies = new Map<Actor, ActorTally>(
    actors.map((a) => [a, { days: new Set(), requests: 0 }]),
  );
  let carry: SimRequest[] = [];
  let seq = 0;

  for (let day = 0; day < plan.days; day++) {
    const dayStart = plan.start + day * DAY;
    const requests = [...carry];
    for (const actor of actors) {
      const own = actor.day(day, dayStart, Prng.derive(plan.seed, actor.id, day));
      tally(tallies.get(actor) as ActorTally, own, plan.start);
      for (const request of own) requests.push(request);
    }
    requests.sort((a, b) => a.ts - b.ts);

    // The next day's actors start as early as 12 h before its UTC midnight
    // (a person at UTC+12 starting work), so only what precedes that is final.
    const last = day === plan.days - 1;
    const cut = last ? requests.length : firstAtOrAfter(requests, dayStart + DAY - LOOKBACK_MS);
    seq = await writeRequests(requests.slice(0, cut), plan.format, seq, sinks);
    carry = requests.slice(cut);
  }

  for (const actor of actors) {
    await sinks.labels(labelOf(actor, tallies.get(actor) as ActorTally, labelFingerprint));
  }
  const scenarios: Record<string, number> = {};
  for (const actor of actors) scenarios[actor.scenario] = (scenarios[actor.scenario] ?? 0) + 1;
  return {
    events: seq,
    tokens: actors.length,
    attacked: actors.filter((a) => a.attack?.start != null).length,
    scenarios,
  };
}

async function writeRequests(
  requests: readonly SimRequest[],
  format: SimFormat,
  seq: number,
  sinks: SimulationSinks,
): Promise<number> {
  let chunk = "";
  let next = seq;
  for (const request of requests) {
    next += 1;
    chunk += `${JSON.stringify(formatRecord(format, request, next))}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      await sinks.traffic(chunk);
      chunk = "";
    }
  }
  if (chunk.length > 0) await sinks.traffic(chunk);
  return next;
}

function tally(entry: ActorTally, requests: readonly SimRequest[], start: number): void {
  for (const request of requests) {
    entry.requests += 1;
    if (request.actor === "owner") entry.days.add(Math.floor((request.ts - start) / DAY));
  }
}

function labelOf(
  actor: Actor,
  tally: ActorTally,
  labelFingerprint: (request: SimRequest) => string,
): TokenLabel {
  const attack = actor.attack;
  const attacked = attack !== null && attack.start !== null;
  return {
    fingerprint: labelFingerprint(sampleRequest(actor)),
    scenario: actor.scenario,
    family: actor.family,
    expect: actor.expect,
    attackStart: attacked ? attack.start : null,
    attackEnd: attacked ? attack.end : null,
    attackerIps: attacked ? [...attack.ips].sort() : [],
    attackRequests: attacked ? attack.requests : 0,
    benignDays: tally.days.size,
    requests: tally.requests,
  };
}

/** A request carrying the actor's token, to learn the fingerprint the pipeline gives it. */
function sampleRequest(actor: Actor): SimRequest {
  return {
    ts: 0,
    ip: "192.0.2.1",
    userAgent: "label",
    token: actor.token,
    method: "GET",
    path: "/v1/me",
    status: 200,
    scheme: "https",
    location: "header",
    latencyMs: 1,
    actor: "owner",
  };
}

function firstAtOrAfter(requests: readonly SimRequest[], ts: number): number {
  let low = 0;
  let high = requests.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((requests[mid] as SimRequest).ts < ts) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The fingerprint the pipeline gives a request's token: the request is
 * written in `format` and identified by the same normalizer, so labels
 * follow the configured key and identity precedence exactly.
 */
export function pipelineFingerprint(
  normalizer: Normalizer,
  format: SimFormat,
): (request: SimRequest) => string {
  return (request) => {
    const line = JSON.stringify(formatRecord(format, { ...request, ts: Date.UTC(2026, 0, 1) }, 0));
    const { events } = normalizer.normalize(line, { stream: "labels", partition: 0, offset: 0 });
    const fingerprint = events[0]?.token?.fingerprint;
    if (!fingerprint) throw new Error(`the ${format} writer produced a record without a token`);
    return fingerprint;
  };
}
