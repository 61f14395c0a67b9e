import { StateSnapshotError } from "./state-errors.js";
import type { TokenStateSnapshot } from "./token-state.js";
import { EVENT_MINUTES, minuteOf, RETAINED_MINUTES } from "./windows.js";

/**
 * The text the Redis store keeps per token (key `P{F}:s`, see state-keys.ts):
 * a JSON array, positional to stay small, led by a write version that the
 * store compares before it writes (store-state-2.lua). Times are stored as
 * distances back from the newest event time, and minutes back from its
 * minute, which keeps most numbers to a few digits:
 *
 * ```
 * [version, newestTs, newest − firstSeen, totalRequests,
 *  buckets       [minutes back, count, …],
 *  networks      [member, ms back, …],  userAgents, asns, countries (same shape),
 *  hours         [decayWeek, lastHour, activeHours, [hour of week, level, …]],
 *  alternations  [minutes back, count, …],  denied (same shape),
 *  offsets       [partition key, offset, …],
 *  lastNetwork, networkBefore, location, ms back of the location, browserRequests]
 * ```
 *
 * A token is written only once an observation applied, so `newestTs` is
 * always set. Anything else is refused on reading as a garbled snapshot.
 */
export interface VersionedSnapshot {
  readonly version: number;
  readonly state: TokenStateSnapshot;
}

const FIELDS = 17;

/** Encode a state at `version` (the version the store will compare on the next write). */
export function encodeSnapshot(version: number, state: TokenStateSnapshot): string {
  const newest = state.newestTs;
  if (newest === null) throw new StateSnapshotError("a token without any request is not stored");
  const newestMinute = minuteOf(newest);
  const back = (ts: number | null) => (ts === null ? null : newest - ts);

  return JSON.stringify([
    version,
    newest,
    back(state.firstSeen),
    state.totalRequests,
    // Minutes older than those retained never count again (windows.ts).
    minutesBack(recent(state.buckets, newestMinute - RETAINED_MINUTES), newestMinute),
    timesBack(state.networks, newest),
    timesBack(state.userAgents, newest),
    timesBack(state.asns, newest),
    timesBack(state.countries, newest),
    [state.hours.decayWeek, state.hours.lastHour, state.hours.active, state.hours.levels.flat()],
    minutesBack(recent(state.alternations, newestMinute - EVENT_MINUTES), newestMinute),
    minutesBack(recent(state.denied, newestMinute - EVENT_MINUTES), newestMinute),
    state.offsets.flat(),
    state.lastNetwork,
    state.networkBefore,
    state.location,
    back(state.locationTs),
    state.browserRequests,
  ]);
}

/** The write version of a stored text, without decoding the rest (what the script compares). */
export function snapshotVersion(text: string | null): number {
  if (text === null) return 0;
  const match = /^\[(\d{1,15}),/.exec(text);
  if (!match) throw new StateSnapshotError("stored token state has no version");
  return Number(match[1]);
}

/** The version after `version`: it wraps long before it could stop being an exact integer. */
export function nextVersion(version: number): number {
  return version >= 999_999_999_999_999 ? 1 : version + 1;
}

/** Decode a stored text. @throws StateSnapshotError when it is not what `encodeSnapshot` writes. */
export function decodeSnapshot(text: string): VersionedSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StateSnapshotError("stored token state is not JSON");
  }
  if (!Array.isArray(parsed) || parsed.length !== FIELDS + 1) {
    throw new StateSnapshotError("stored token state has the wrong shape");
  }

  const [version, newest, firstBack, total, buckets, networks, agents, asns, countries] = parsed;
  // The write script reads the version from the text itself; both must agree.
  if (!Number.isSafeInteger(version) || snapshotVersion(text) !== version) {
    throw new StateSnapshotError("stored token state has no version the write script can read");
  }
  const [hours, alternations, denied, offsets, lastNetwork, networkBefore, location] =
    parsed.slice(9);
  const [locationBack, browserRequests] = parsed.slice(16);
  const newestTs = integer(newest);
  const newestMinute = minuteOf(newestTs);
  const [decayWeek, lastHour, active, levels] = array(hours, 4);

  return {
    version: integer(version),
    state: {
      firstSeen: newestTs - integer(firstBack),
      newestTs,
      totalRequests: integer(total),
      buckets: minutesAt(buckets, newestMinute),
      networks: timesAt(networks, newestTs),
      userAgents: timesAt(agents, newestTs),
      asns: timesAt(asns, newestTs),
      countries: timesAt(countries, newestTs),
      hours: {
        decayWeek: nullable(decayWeek, integer),
        lastHour: nullable(lastHour, integer),
        active: integer(active),
        levels: pairs(levels, integer, integer),
      },
      alternations: minutesAt(alternations, newestMinute),
      denied: minutesAt(denied, newestMinute),
      offsets: pairs(offsets, string, integer),
      lastNetwork: nullable(lastNetwork, string),
      networkBefore: nullable(networkBefore, string),
      location: nullable(location, string),
      locationTs: nullable(locationBack, (back) => newestTs - integer(back)),
      browserRequests: integer(browserRequests),
    },
  };
}

function recent(counts: ReadonlyArray<readonly [number, number]>, floor: number) {
  return counts.filter(([minute]) => minute >= floor);
}

function minutesBack(
  counts: ReadonlyArray<readonly [number, number]>,
  newestMinute: number,
): number[] {
  return counts.flatMap(([minute, count]) => [newestMinute - minute, count]);
}

function timesBack(members: ReadonlyArray<readonly [string, number]>, newest: number) {
  return members.flatMap(([member, ts]) => [member, newest - ts]);
}

function minutesAt(value: unknown, newestMinute: number): [number, number][] {
  return pairs(value, integer, integer).map(([back, count]) => [newestMinute - back, count]);
}

function timesAt(value: unknown, newest: number): [string, number][] {
  return pairs(value, string, integer).map(([member, back]) => [member, newest - back]);
}

function pairs<A, B>(value: unknown, first: (v: unknown) => A, second: (v: unknown) => B) {
  const flat = array(value);
  if (flat.length % 2 !== 0) throw new StateSnapshotError("stored token state has an odd list");
  const out: [A, B][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([first(flat[i]), second(flat[i + 1])]);
  return out;
}

function array(value: unknown, length?: number): unknown[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new StateSnapshotError("stored token state has the wrong shape");
  }
  return value;
}

function integer(value: unknown): number {
  if (!Number.isSafeInteger(value)) {
    throw new StateSnapshotError("stored token state has a number that is not an integer");
  }
  return value as number;
}

function string(value: unknown): string {
  if (typeof value !== "string") throw new StateSnapshotError("stored token state has a non-text");
  return value;
}

function nullable<T>(value: unknown, read: (v: unknown) => T): T | null {
  return value === null ? null : read(value);
}
