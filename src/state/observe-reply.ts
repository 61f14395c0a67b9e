import { parseLocatedUse } from "./located-use.js";
import { RequestTimeline } from "./request-timeline.js";
import { scriptStatusError } from "./state-errors.js";
import type { ObserveReply } from "./state-scripts.js";
import type { TokenObservation, WindowStats } from "./token-state-store.js";

/** Integers per observation in the `stats` part of the reply (see observe-2.lua). */
const STATS_WIDTH = 22;

/**
 * Turn the reply of `observe-2.lua` into one `WindowStats` per observation.
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

  const [meta, buckets, stats, locations] = reply;
  if (stats.length !== observations.length * STATS_WIDTH) {
    throw scriptStatusError("observe", -1);
  }

  const timeline = RequestTimeline.restore({
    firstSeen: toNumberOrNull(meta[0]),
    newestTs: toNumberOrNull(meta[1]),
    totalRequests: toNumberOrNull(meta[2]) ?? 0,
    buckets: requestBuckets(buckets),
  });

  return observations.map((observation, index) => {
    const at = index * STATS_WIDTH;
    const int = (offset: number): number => stats[at + offset] ?? 0;
    const duplicate = int(0) === 1;
    const afterRevocation = int(20) === 1;
    if (!duplicate && !afterRevocation) timeline.record(observation.ts);

    return {
      duplicate,
      ...timeline.ratesAt(observation.ts),
      networks5m: int(1),
      networks1h: int(2),
      userAgents1h: int(3),
      networkSeenBefore: int(4) === 1,
      userAgentSeenBefore: int(5) === 1,
      hourLevel: int(6),
      hourOfDayLevel: int(7),
      activeHours: int(8),
      userAgentKnown: int(9) === 1,
      asns5m: int(10),
      asns1h: int(11),
      countries1h: int(12),
      asnKnown: int(13) === 1,
      countryKnown: int(14) === 1,
      knownAsns: int(15),
      knownCountries: int(16),
      alternations10m: int(17),
      denied5m: int(18),
      browserRequests: int(19),
      afterRevocation,
      revokedAt: int(21),
      previousLocation: locatedUse(locations[index]),
      totalRequests: timeline.totalRequests,
      firstSeen: timeline.firstSeen ?? observation.ts,
    };
  });
}

// The bucket hash also holds `s<minute>` / `d<minute>` counters; only the
// numeric fields are request buckets.
function* requestBuckets(flat: readonly string[]): Generator<[number, number]> {
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const minute = Number(flat[i]);
    if (Number.isInteger(minute)) yield [minute, Number(flat[i + 1])];
  }
}

// "lat,lon,km,ts" as the script joins the stored location and its time.
function locatedUse(text: string | undefined) {
  if (!text) return null;
  const cut = text.lastIndexOf(",");
  return parseLocatedUse(text.slice(0, cut), Number(text.slice(cut + 1)));
}

function toNumberOrNull(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
