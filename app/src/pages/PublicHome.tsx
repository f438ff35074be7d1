import { useState } from 'react';
import { Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ComplaintForm } from '../public/ComplaintForm';
import { NearbyProjects } from '../public/NearbyProjects';
import { TrackComplaint } from '../public/TrackComplaint';
import { myComplaints } from '../public/my-complaints';
import { Lines, Panel } from '../public/Panel';
import type { LatLng } from '../map/DistrictMap';

/** The centre of Luohu (WGS-84), where "nearby" starts until the citizen locates themselves or taps the map. */
const LUOHU: LatLng = { lat: 22.5482, lng: 114.1315 };

/** A WGS-84 place from the address's ?lat=&lng=, when both are numbers in range. */
function placeOf(search: URLSearchParams): LatLng | undefined {
  const lat = Number(search.get('lat'));
  const lng = Number(search.get('lng'));
  return search.has('lat') && search.has('lng') && Math.abs(lat) <= 90 && Math.abs(lng) <= 180
    ? { lat, lng }
    : undefined;
}

/**
 * The citizens' page (no sign-in, phone first): the map of approved projects near a place, a complaint pinned to that
 * place, and the complaints sent from this device.
 */
export function PublicHome() {
  const { t } = useTranslation();
  const [search] = useSearchParams();
  // A project's page links here with its place (?lat=&lng=), so a complaint about it starts pinned to it.
  const [here, setHere] = useState<LatLng>(() => placeOf(search) ?? LUOHU);
  const mine = myComplaints();
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 560, margin: '0 auto', display: 'flex' }}>
      <NearbyProjects here={here} onHere={setHere} />
      <ComplaintForm here={here} />
      <TrackComplaint />
      {mine.length > 0 && (
        <Panel title={t('public.mine')}>
          <Lines
            empty={null}
            items={mine.map((c) => ({ key: c.id, title: <Link to={`/public/complaints/${c.id}`}>{c.id}</Link> }))}
          />
        </Panel>
      )}
    </Space>
  );
}
