import type { GeoPoint, LocatedUse } from "./token-state-store.js";

/*
 * A location travels to Redis as the text `lat,lon,radiusKm` (4 decimals,
 * about 11 m, and a whole km), and both stores keep exactly that text, so
 * the memory store reports the same rounded numbers Redis does.
 */

/** The stored text of a location. */
export function formatGeoPoint(point: GeoPoint): string {
  const radius = Math.max(0, Math.round(point.radiusKm));
  return `${point.lat.toFixed(4)},${point.lon.toFixed(4)},${radius}`;
}

/** A stored location and its event time back as a `LocatedUse`; null when absent or garbled. */
export function parseLocatedUse(
  text: string | null | undefined,
  ts: number | null,
): LocatedUse | null {
  if (!text || ts === null || !Number.isFinite(ts)) return null;

  const [lat, lon, radiusKm] = text.split(",").map(Number);
  if (![lat, lon, radiusKm].every((value) => Number.isFinite(value))) return null;
  return { lat: lat as number, lon: lon as number, radiusKm: radiusKm as number, ts };
}
