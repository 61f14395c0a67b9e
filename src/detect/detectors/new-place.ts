import { z } from "zod";
import type { DetectionInput, Evidence } from "../finding.js";
import type { StatisticalDetectorKind } from "./statistical-detector.js";

/*
 * First use from an ASN or a country the token has not used before, once
 * the token has a history to compare with. Before the learning period
 * every place is new, so nothing fires: a token's first days teach it
 * where its owner works from. The state remembers 16 ASNs and 16
 * countries per token for `state.ttlMs` after its last use.
 */

const HOUR_MS = 3_600_000;

export const newPlaceParamsSchema = z.strictObject({
  /** Which place: the network operator (`asn`) or the `country`. */
  place: z.enum(["asn", "country"]),
  /** Learning: the token must be at least this old (hours since first seen). */
  minAgeHours: z.number().nonnegative().default(72),
  /** Learning: and have made at least this many requests. */
  minTotalRequests: z.number().int().nonnegative().default(50),
});

export type NewPlaceParams = z.infer<typeof newPlaceParamsSchema>;

function check(params: NewPlaceParams, input: DetectionInput): Evidence | null {
  const { window, event, enrichment } = input;
  if (window.duplicate) return null;

  const isAsn = params.place === "asn";
  const known = isAsn ? window.asnKnown : window.countryKnown;
  const remembered = isAsn ? window.knownAsns : window.knownCountries;
  // Nothing remembered yet means the token was only ever seen from unknown places.
  if (known || remembered === 0) return null;

  const ageHours = (event.ts - window.firstSeen) / HOUR_MS;
  if (ageHours < params.minAgeHours || window.totalRequests < params.minTotalRequests) return null;

  return {
    place: params.place,
    value: isAsn ? (enrichment?.asn ?? null) : (enrichment?.country ?? null),
    remembered,
    ageHours: Math.round(ageHours),
    totalRequests: window.totalRequests,
  };
}

/** `detector: new-place`: a new ASN or country after the learning period. */
export const newPlaceDetector: StatisticalDetectorKind<NewPlaceParams> = {
  name: "new-place",
  params: newPlaceParamsSchema,
  create: (params) => (input) => check(params, input),
};
