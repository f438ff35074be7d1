import { Button, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PROJECT_TYPES, nearestSubdistrict } from '@luohu/domain';
import { api } from '../api/client';
import type { LatLng } from '../map/DistrictMap';
import { LazyDistrictMap } from '../map/LazyDistrictMap';
import { Lines, Panel } from './Panel';
import { TYPE_COLOURS } from '../map/colours';

/** How far "nearby" reaches: Luohu is ~15 km across, so from anywhere in it this shows most of the district. */
const RADIUS_KM = 5;

/**
 * The map of Luohu with the approved projects near the chosen place, and the nearest as a list (which a keyboard or a
 * screen reader follows). Tapping the map, or "locate me", chooses the place a complaint is pinned to as well.
 */
export function NearbyProjects({ here, onHere }: { here: LatLng; onHere: (p: LatLng) => void }) {
  const { t, i18n } = useTranslation();
  const nearby = useQuery({
    queryKey: ['nearby', here],
    queryFn: async () =>
      (await api.GET('/v1/public/projects/nearby', { params: { query: { ...here, radiusKm: RADIUS_KM } } })).data
        ?.items ?? [],
    placeholderData: (previous) => previous,
  });
  const locate = () =>
    navigator.geolocation?.getCurrentPosition((p) => onHere({ lat: p.coords.latitude, lng: p.coords.longitude }));
  const items = nearby.data ?? [];
  const place = nearestSubdistrict(here.lat, here.lng);

  return (
    <Panel title={t('public.nearby')} extra={<Button onClick={locate}>{t('public.locate')}</Button>}>
      <LazyDistrictMap
        label={t('map.label')}
        pin={here}
        onPick={onHere}
        points={items.map((p) => ({
          id: p.id,
          lat: p.lat,
          lng: p.lng,
          label: p.name,
          colour: TYPE_COLOURS[p.type],
          href: `/public/projects/${encodeURIComponent(p.id)}`,
        }))}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('map.pickHint', { place: i18n.language === 'en' ? place.en : place.zh })}
      </Typography.Paragraph>
      <ul className="district-map-legend" aria-label={t('map.legend')}>
        {PROJECT_TYPES.map((type) => (
          <li key={type}>
            <span style={{ background: TYPE_COLOURS[type] }} aria-hidden />
            {t(`projectType.${type}`)}
          </li>
        ))}
      </ul>
      <Lines
        empty={nearby.isLoading ? '…' : t('public.noneNearby')}
        items={items.slice(0, 8).map((p) => ({
          key: p.id,
          title: <Link to={`/public/projects/${encodeURIComponent(p.id)}`}>{p.name}</Link>,
          description: `${t(`projectType.${p.type}`)} · ${p.address} · ${t('public.distance', { km: p.distanceKm.toFixed(1) })}`,
        }))}
      />
    </Panel>
  );
}
