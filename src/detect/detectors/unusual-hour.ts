import { z } from "zod";
import type { DetectionInput, Evidence } from "../finding.js";
import type { StatisticalDetectorKind } from "./statistical-detector.js";

/*
 * Use at an hour this token is never used. The state keeps an
 * hour-of-week profile with weekly decay (src/state/hour-profile.ts); this
 * detector fires when the current hour of day, with an hour either side,
 * has no activity on ANY day of the week in that profile. Looking at the
 * hour of day across the week (not only this weekday's slot) keeps a
 * Saturday morning from alerting for someone who works mornings; the
 * neighbouring hours absorb starting a little early or staying late.
 * Hours are UTC, so a person's time zone does not matter, only its
 * consistency.
 */

const DAY_MS = 86_400_000;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export const unusualHourParamsSchema = z.strictObject({
  /** Learning: distinct active clock hours in the profile. */
  minActiveHours: z.number().int().positive().default(40),
  /** Learning: days since the token was first seen. */
  minAgeDays: z.number().nonnegative().default(14),
  /** Fire when the hour of day (± 1 h, all weekdays) has at most this level. */
  maxHourOfDayLevel: z.number().int().nonnegative().default(0),
});

export type UnusualHourParams = z.infer<typeof unusualHourParamsSchema>;

function check(params: UnusualHourParams, input: DetectionInput): Evidence | null {
  const { window, event } = input;
  if (window.duplicate) return null;

  const ageDays = (event.ts - window.firstSeen) / DAY_MS;
  if (window.activeHours < params.minActiveHours || ageDays < params.minAgeDays) return null;
  if (window.hourOfDayLevel > params.maxHourOfDayLevel) return null;

  const date = new Date(event.ts);
  const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7];
  return {
    hourOfWeek: `${weekday} ${String(date.getUTCHours()).padStart(2, "0")}:00 UTC`,
    hourLevel: window.hourLevel,
    hourOfDayLevel: window.hourOfDayLevel,
    activeHours: window.activeHours,
    ageDays: Math.round(ageDays),
  };
}

/** `detector: unusual-hour`: an hour of day the token's profile has never seen used. */
export const unusualHourDetector: StatisticalDetectorKind<UnusualHourParams> = {
  name: "unusual-hour",
  params: unusualHourParamsSchema,
  create: (params) => (input) => check(params, input),
};
