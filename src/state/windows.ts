/**
 * The windows every per-token statistic is measured over, on event time:
 * an observation's `ts` is "now" for it. Both stores apply them with the
 * same code (token-state.ts).
 *
 * With `M = floor(ts / 60000)` the observation's minute and `N` the minute
 * of the newest event applied to the token (after applying this one):
 *
 * - Requests are counted in one-minute buckets; buckets `N − 60 … N` are
 *   retained. A late event (older than the token's newest) is counted in
 *   its own bucket while that is retained, and only in the totals and the
 *   hour-of-day count when it is older.
 * - `requests1m` = bucket `M`; `requests5m` = buckets `M − 4 … M`;
 *   `requests1h` = buckets `M − 59 … M`. Windows are whole buckets: they
 *   start up to a minute before `ts − 5 min` / `ts − 1 h` and include
 *   requests later in minute `M`; retained buckets only.
 * - `minuteHistory` = buckets `max(M − 60, minute(firstSeen), N − 60) … M − 1`,
 *   oldest first, zeros for idle minutes: at most 60 entries, never minutes
 *   before the token was first seen.
 * - `networks5m` / `networks1h` / `userAgents1h` = remembered members whose
 *   last-seen is after `ts − 5 min` / `ts − 1 h` (exclusive, to the ms).
 *   Last-seen never moves backwards, so for a late event this includes
 *   members seen after it; for an in-order event it is exactly `(ts − w, ts]`.
 * - `networkSeenBefore` / `userAgentSeenBefore`: before this observation,
 *   the member was remembered with last-seen after `ts − 1 h`.
 * - At most `maxNetworks` / `maxUserAgents` members are remembered; a new
 *   one evicts the least recently seen (ties: lowest member bytes).
 * - Hour-of-week profile: 7 × 24 levels (0–15), UTC, weeks from Monday.
 *   The first applied request in a clock hour later than the last counted
 *   one raises its slot by 4 (capped at 15) and counts one active hour;
 *   late events in earlier hours do not. When an applied observation falls
 *   in a later week than the last decay, every level drops by the number
 *   of weeks passed. `hourLevel` / `hourOfDayLevel` are read before the
 *   observation is applied, after the decay.
 * - ASNs and countries: like networks, at most `MAX_PLACES` each with
 *   last-seen; `asnKnown` / `countryKnown` look at every remembered member.
 * - Alternations: on an in-order applied observation whose network differs
 *   from the last one and equals the one before it; counted per minute,
 *   `alternations10m` sums minutes `M − 9 … M`. `denied5m` sums 401/403
 *   per minute over `M − 4 … M`. Both keep minutes `N − 10 … N`.
 * - A 401/403 at or after `revokedAt` changes nothing (`afterRevocation`).
 * - The last location moves forward only (a late event does not replace it).
 * - `firstSeen` is the earliest event time applied; `totalRequests` counts
 *   every applied observation.
 * - A duplicate (offset at or below its partition's highest applied offset)
 *   changes nothing and reports the same statistics computed at its `ts`.
 */

/** A day and a week of event time. */
export const DAY_MS = 24 * 60 * 60_000;

/** How many ASNs and how many countries a token remembers. */
export const MAX_PLACES = 16;

/** Minutes of alternation and 401/403 counts kept behind the newest minute. */
export const EVENT_MINUTES = 10;

/** Distinct tokens per network and hour beyond which egress is not counted further. */
export const EGRESS_CAP = 64;

/** How long a network's hourly token count lives (event time, and Redis TTL). */
export const EGRESS_TTL_MS = 2 * 60 * 60_000;

/** Hour-of-week profile: a slot's rise per active hour, and its ceiling. */
export const HOUR_STEP = 4;
export const HOUR_MAX = 15;

/** One minute, the width of a request-count bucket. */
export const MINUTE_MS = 60_000;

/** The short window of `requests5m` and `networks5m`. */
export const FIVE_MINUTES_MS = 5 * MINUTE_MS;

/** The long window of `requests1h`, `networks1h`, `userAgents1h` and the seen-before flags. */
export const HOUR_MS = 60 * MINUTE_MS;

/**
 * Completed minutes kept behind a token's newest minute: a full hour of
 * history, so the retained buckets are the newest minute and the 60 before it.
 */
export const RETAINED_MINUTES = 60;

/** The minute bucket of an event time: whole minutes since the epoch. */
export function minuteOf(ts: number): number {
  return Math.floor(ts / MINUTE_MS);
}

/** The UTC day of week of an event time, 0 = Monday (1970-01-01 was a Thursday). */
export function dayOfWeekOf(ts: number): number {
  return (Math.floor(ts / DAY_MS) + 3) % 7;
}

/** Whole weeks since the Monday before the epoch. */
export function weekOf(ts: number): number {
  return Math.floor((Math.floor(ts / DAY_MS) + 3) / 7);
}

/** The UTC hour of day (0–23) of an event time. */
export function hourOfDayOf(ts: number): number {
  return Math.floor(ts / HOUR_MS) % 24;
}
