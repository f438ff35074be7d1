import { lazy, Suspense, type ComponentProps } from 'react';
import type { DistrictMap as Map } from './DistrictMap';

const DistrictMapChunk = lazy(() => import('./DistrictMap').then((m) => ({ default: m.DistrictMap })));

/**
 * The district map, loaded after the page it sits on (Leaflet, the boundary and clustering are ~55 KB gzipped): the
 * page is usable first — the list and the form work without it — and the map's box keeps its place meanwhile.
 */
export function LazyDistrictMap(props: ComponentProps<typeof Map>) {
  const height = props.height ?? 320;
  return (
    <Suspense fallback={<div style={{ height, background: '#f5f5f5', borderRadius: 8 }} aria-busy="true" />}>
      <DistrictMapChunk {...props} />
    </Suspense>
  );
}
