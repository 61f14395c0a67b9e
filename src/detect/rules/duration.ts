import parseDuration from "parse-duration";

/*
 * parse-duration reads a bare number as milliseconds. A rule author who
 * writes `cooldown: 10` almost surely meant minutes or seconds, so every
 * part must carry its unit.
 */
const WITH_UNITS = /^(\s*\d+(\.\d+)?\s*[a-zµ]+)+\s*$/i;

/**
 * Milliseconds of a duration such as `10m`, `1h30m` or `2d`, or `null` when
 * the text is not a non-negative duration with units.
 */
export function durationMs(text: string): number | null {
  if (!WITH_UNITS.test(text)) return null;

  const ms = parseDuration(text);
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;

  return Math.round(ms);
}
