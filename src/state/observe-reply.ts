import { RequestTimeline } from "./request-timeline.js";
import { scriptStatusError } from "./state-errors.js";
import type { ObserveReply } from "./state-scripts.js";
import type { TokenObservation, WindowStats } from "./token-state-store.js";

/** Integers per observation in the `stats` part of the reply (see observe-4.lua). */
const STATS_WIDTH = 7;

/**
 * Turn the reply of `observe-4.lua` into one `WindowStats` per observation.
 *
 * The script returns the token's timeline as it was before the call and the
 * set-based statistics per observation; the rate windows are recomputed here
 * by replaying the observations on the same `RequestTimeline` the memory
 * store uses. This keeps the per-observation minute history out of Redis's
 * single thread and out of the reply.
 */
export function parseObserveReply(
  reply: ObserveReply,
  observations: readonly TokenObservation[],
): WindowStats[] {
  if (typeof reply === "number") throw scriptStatusError("observe", reply);

  const [meta, buckets, stats] = reply;
  if (stats.length !== observations.length * STATS_WIDTH) {
    throw scriptStatusError("observe", -1);
  }

  const timeline = RequestTimeline.restore({
    firstSeen: toNumberOrNull(meta[0]),
    newestTs: toNumberOrNull(meta[1]),
    totalRequests: toNumberOrNull(meta[2]) ?? 0,
    buckets: pairs(buckets),
  });

  return observations.map((observation, index) => {
    const at = index * STATS_WIDTH;
    const duplicate = stats[at] === 1;
    if (!duplicate) timeline.record(observation.ts);

    return {
      duplicate,
      ...timeline.ratesAt(observation.ts),
      networks5m: stats[at + 1] ?? 0,
      networks1h: stats[at + 2] ?? 0,
      userAgents1h: stats[at + 3] ?? 0,
      networkSeenBefore: stats[at + 4] === 1,
      userAgentSeenBefore: stats[at + 5] === 1,
      hourOfDayCount: stats[at + 6] ?? 0,
      totalRequests: timeline.totalRequests,
      firstSeen: timeline.firstSeen ?? observation.ts,
    };
  });
}

function* pairs(flat: readonly string[]): Generator<[number, number]> {
  for (let i = 0; i + 1 < flat.length; i += 2) {
    yield [Number(flat[i]), Number(flat[i + 1])];
  }
}

function toNumberOrNull(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
