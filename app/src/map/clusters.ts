import Supercluster from 'supercluster';

/** A thing on the map: a project, a complaint, a subdistrict's figure. WGS-84. */
export interface MapPoint {
  id: string;
  lat: number;
  lng: number;
  /** What a screen reader and the popup say. */
  label: string;
  /** The marker's fill (status or deviation colour). */
  colour: string;
  /** Where the popup's link goes, if anywhere. */
  href?: string;
}

/** What the map draws at one zoom: single points, or a count where points crowd together. */
export type Placed =
  | { kind: 'point'; point: MapPoint }
  | { kind: 'cluster'; id: number; lat: number; lng: number; count: number; colour: string };

/** The points to draw at `zoom` within a bounding box [west, south, east, north]: crowded ones merged into clusters. */
export function placeAt(points: MapPoint[], bbox: [number, number, number, number], zoom: number): Placed[] {
  const index = new Supercluster<{ i: number }, { colours: Record<string, number> }>({
    radius: 48,
    maxZoom: 17,
    map: (p) => ({ colours: { [points[p.i].colour]: 1 } }),
    reduce: (acc, p) => {
      for (const [c, n] of Object.entries(p.colours)) acc.colours[c] = (acc.colours[c] ?? 0) + n;
    },
  });
  index.load(
    points.map((p, i) => ({
      type: 'Feature',
      properties: { i },
      geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
    })),
  );
  return index.getClusters(bbox, Math.round(zoom)).map((f) => {
    const [lng, lat] = f.geometry.coordinates;
    if ('cluster' in f.properties && f.properties.cluster) {
      const colours = (f.properties as unknown as { colours: Record<string, number> }).colours;
      // A cluster wears the colour most of its points have.
      const colour = Object.entries(colours).sort((a, b) => b[1] - a[1])[0][0];
      return { kind: 'cluster', id: f.properties.cluster_id, lat, lng, count: f.properties.point_count, colour };
    }
    return { kind: 'point', point: points[(f.properties as { i: number }).i] };
  });
}
