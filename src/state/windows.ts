/**
 * The windows every per-token statistic is measured over, on event time:
 * an observation's `ts` is "now" for it. Both stores follow these rules; the
 * Lua scripts in `./lua` repeat the numbers, so keep them in step.
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
 * - `hourOfDayCount` = requests ever applied in the UTC hour of day of `ts`.
 * - `firstSeen` is the earliest event time applied; `totalRequests` counts
 *   every applied observation.
 * - A duplicate (offset at or below its partition's highest applied offset)
 *   changes nothing and reports the same statistics computed at its `ts`.
 */

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

/** The UTC hour of day (0–23) of an event time. */
export function hourOfDayOf(ts: number): number {
  return Math.floor(ts / HOUR_MS) % 24;
}
