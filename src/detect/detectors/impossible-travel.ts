import { z } from "zod";
import { distanceKm } from "../../enrich/geo-distance.js";
import type { DetectionInput, Evidence } from "../finding.js";
import type { StatisticalDetectorKind } from "./statistical-detector.js";

/*
 * Impossible travel: the speed a person would need to get from the token's
 * last located use to this one.
 *
 *   effective = max(0, distance − radius(previous) − radius(current))
 *   speed     = effective / max(elapsed, minIntervalMs)
 *
 * Geo-IP places an address only roughly (a mobile carrier's whole country
 * may map to its capital), so each location's accuracy radius is taken off
 * the distance first: two uses can only be impossibly far apart if even
 * their nearest possible points are. Short hops (`minDistanceKm`) never
 * count — neighbouring cities and a VPN exit in the next region are normal.
 * A floor on the interval keeps two requests a second apart from meaning
 * "infinite speed" on the strength of a coarse database.
 */

const HOUR_MS = 3_600_000;

export const impossibleTravelParamsSchema = z.strictObject({
  /** Faster than this (km/h, after accuracy margins) is impossible; airliners cruise ~900. */
  maxSpeedKmh: z.number().positive().default(1000),
  /** Effective distances below this (km) never count. */
  minDistanceKm: z.number().nonnegative().default(500),
  /** The interval between two uses is taken as at least this long (ms). */
  minIntervalMs: z.number().int().positive().default(60_000),
});

export type ImpossibleTravelParams = z.infer<typeof impossibleTravelParamsSchema>;

function check(params: ImpossibleTravelParams, input: DetectionInput): Evidence | null {
  const previous = input.window.previousLocation;
  const current = input.enrichment?.location;
  if (!previous || !current || input.window.duplicate) return null;

  const distance = distanceKm(previous, current);
  const margin = previous.radiusKm + current.radiusKm;
  const effective = Math.max(0, distance - margin);
  if (effective < params.minDistanceKm) return null;

  const elapsedMs = Math.max(Math.abs(input.event.ts - previous.ts), params.minIntervalMs);
  const speed = effective / (elapsedMs / HOUR_MS);
  if (speed <= params.maxSpeedKmh) return null;

  return {
    distanceKm: Math.round(distance),
    marginKm: Math.round(margin),
    elapsedMinutes: Math.round((Math.abs(input.event.ts - previous.ts) / 60_000) * 10) / 10,
    speedKmh: Math.round(speed),
    maxSpeedKmh: params.maxSpeedKmh,
    country: input.enrichment?.country ?? null,
  };
}

/** `detector: impossible-travel`: consecutive located uses too far apart for the time between. */
export const impossibleTravelDetector: StatisticalDetectorKind<ImpossibleTravelParams> = {
  name: "impossible-travel",
  params: impossibleTravelParamsSchema,
  create: (params) => (input) => check(params, input),
};
