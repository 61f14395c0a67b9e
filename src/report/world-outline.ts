import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { MultiPolygon, Polygon, Position } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";

/*
 * The map's world outline: Natural Earth land at 1:110m from the
 * `world-atlas` package (public domain), a 55 KB TopoJSON file, turned into
 * one SVG path once per process. The report has to open without network,
 * so the outline is inlined rather than fetched from a tile server.
 */

/** Width and height of the map's coordinate space: one unit per degree. */
export const MAP_WIDTH = 360;
export const MAP_HEIGHT = 180;

const require = createRequire(import.meta.url);
let cached: string | null = null;

/**
 * Equirectangular projection into the map's coordinate space: x grows with
 * longitude from the antimeridian, y with latitude from the north pole.
 * Good enough to see where a token was used; areas are not preserved.
 */
export function project(lon: number, lat: number): [number, number] {
  return [round(lon + 180), round(90 - lat)];
}

/** The SVG path data (`d`) of the world's land, in the map's coordinate space. */
export function worldLandPath(): string {
  if (cached !== null) return cached;

  const file = require.resolve("world-atlas/land-110m.json");
  const topology = JSON.parse(readFileSync(file, "utf8")) as Topology<{
    land: GeometryCollection;
  }>;
  const land = feature(topology, topology.objects.land);
  const parts: string[] = [];
  for (const item of land.features) {
    const geometry = item.geometry as Polygon | MultiPolygon;
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    for (const polygon of polygons) {
      for (const ring of polygon) parts.push(ringPath(ring));
    }
  }
  cached = parts.join("");
  return cached;
}

function ringPath(ring: readonly Position[]): string {
  const points = ring.map(([lon = 0, lat = 0]) => project(lon, lat).join(","));
  return `M${points.join("L")}Z`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
