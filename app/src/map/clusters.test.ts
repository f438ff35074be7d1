import { describe, expect, it } from 'vitest';
import { placeAt, type MapPoint } from './clusters';

const WORLD: [number, number, number, number] = [-180, -85, 180, 85];
const point = (id: string, lat: number, lng: number, colour = 'green'): MapPoint => ({
  id,
  lat,
  lng,
  label: id,
  colour,
});

describe('map clustering', () => {
  const crowd = [
    point('a', 22.5475, 114.1195),
    point('b', 22.5476, 114.1196, 'red'),
    point('c', 22.5477, 114.1194),
    point('far', 22.5865, 114.1125),
  ];

  it('when points crowd together at district zoom, then they merge into one counted cluster with the commonest colour', () => {
    const placed = placeAt(crowd, WORLD, 12);
    const clusters = placed.filter((p) => p.kind === 'cluster');
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ count: 3, colour: 'green' });
    expect(placed.filter((p) => p.kind === 'point').map((p) => p.kind === 'point' && p.point.id)).toEqual(['far']);
  });

  it('when zoomed in to street level, then every point stands alone', () => {
    const placed = placeAt(crowd, WORLD, 19);
    expect(placed.map((p) => (p.kind === 'point' ? p.point.id : 'cluster')).sort()).toEqual(['a', 'b', 'c', 'far']);
  });
});
