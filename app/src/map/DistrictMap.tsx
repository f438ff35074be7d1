import { useEffect, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './district-map.css';
import boundary from 'virtual:luohu-boundary';
import { SUBDISTRICTS } from '@luohu/domain';
import { useTranslation } from 'react-i18next';
import { placeAt, type MapPoint } from './clusters';

/** A WGS-84 point. */
export interface LatLng {
  lat: number;
  lng: number;
}

interface Props {
  points: MapPoint[];
  /** The chosen place (a complaint's pin, "near me"). */
  pin?: LatLng;
  /** Called with the place a tap, a click or Enter (the map's centre) chooses; without it the map only shows. */
  onPick?: (p: LatLng) => void;
  /** Where the map opens (street level); without it the whole district is in view. */
  focus?: LatLng;
  /** Merge crowded points into counted clusters (default); off where each point is a different place's figure. */
  cluster?: boolean;
  /** What the map shows, for screen readers. */
  label: string;
  height?: number | string;
}

const LUOHU_BOUNDS = L.latLngBounds(boundary.rings[0].map(([lng, lat]) => [lat, lng] as [number, number]));

/**
 * Luohu on a map with no tile server: the district's real boundary (bundled), its ten subdistricts by name, and
 * points clustered where they crowd. Works by touch, mouse and keyboard (arrows pan, +/- zoom, Enter picks the centre).
 */
export function DistrictMap({ points, pin, focus, onPick, label, height = 320, cluster = true }: Props) {
  const { t, i18n } = useTranslation();
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map>(null);
  const layers = useRef<{ points: L.LayerGroup; pin: L.LayerGroup; names: L.LayerGroup }>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const m = L.map(element.current!, {
      attributionControl: false,
      zoomSnap: 0.25,
      minZoom: 11,
      maxZoom: 18,
      maxBounds: LUOHU_BOUNDS.pad(0.5),
      renderer: L.svg(),
      zoomControl: false,
    });
    L.control.zoom({ zoomInTitle: t('map.zoomIn'), zoomOutTitle: t('map.zoomOut') }).addTo(m);
    if (focus) m.setView([focus.lat, focus.lng], 13.5);
    else m.fitBounds(LUOHU_BOUNDS, { padding: [8, 8] });
    L.polygon(
      boundary.rings.map((ring) => ring.map(([lng, lat]) => [lat, lng] as [number, number])),
      { color: '#0958d9', weight: 2, fillColor: '#e6f4ff', fillOpacity: 0.6, interactive: false },
    ).addTo(m);
    layers.current = {
      names: L.layerGroup().addTo(m),
      points: L.layerGroup().addTo(m),
      pin: L.layerGroup().addTo(m),
    };
    m.on('click', (e: L.LeafletMouseEvent) => pick.current?.({ lat: e.latlng.lat, lng: e.latlng.lng }));
    m.getContainer().addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target === m.getContainer() && pick.current) {
        const c = m.getCenter();
        pick.current({ lat: c.lat, lng: c.lng });
      }
    });
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
    };
    // The map is made once; its texts follow the language on the next visit.
  }, []);

  // Subdistrict names in the page's language: short (without 街道) while the whole district is in view, where they crowd.
  useEffect(() => {
    const m = map.current!;
    const draw = () => {
      const names = layers.current!.names.clearLayers();
      const short = m.getZoom() < 13;
      for (const s of SUBDISTRICTS)
        L.marker([s.lat, s.lng], {
          interactive: false,
          keyboard: false,
          icon: L.divIcon({
            className: 'district-map-name',
            html: i18n.language === 'en' ? s.en : short ? s.zh.replace(/街道$/, '') : s.zh,
            iconSize: [80, 16],
            iconAnchor: [40, 24], // above the centre, where a subdistrict's own marker goes
          }),
        }).addTo(names);
    };
    draw();
    m.on('zoomend', draw);
    return () => {
      m.off('zoomend', draw);
    };
  }, [i18n.language]);

  // Points, re-clustered whenever the view changes.
  useEffect(() => {
    const m = map.current!;
    const draw = () => {
      const group = layers.current!.points.clearLayers();
      const b = m.getBounds();
      const placedPoints = cluster
        ? placeAt(points, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], m.getZoom())
        : points.map((point) => ({ kind: 'point' as const, point }));
      for (const placed of placedPoints) {
        if (placed.kind === 'cluster') {
          L.marker([placed.lat, placed.lng], {
            title: String(placed.count),
            icon: L.divIcon({
              className: 'district-map-cluster',
              html: `<span style="background:${placed.colour}">${placed.count}</span>`,
              iconSize: [32, 32],
            }),
          })
            .on('click', () => m.setView([placed.lat, placed.lng], Math.min(m.getZoom() + 2, 18)))
            .addTo(group);
          continue;
        }
        const p = placed.point;
        const marker = L.circleMarker([p.lat, p.lng], {
          radius: 8,
          color: '#fff',
          weight: 2,
          fillColor: p.colour,
          fillOpacity: 1,
        }).addTo(group);
        const popup = document.createElement('div');
        const title = document.createElement(p.href ? 'a' : 'span');
        title.textContent = p.label;
        if (p.href) (title as HTMLAnchorElement).href = p.href;
        popup.appendChild(title);
        marker.bindPopup(popup);
      }
    };
    draw();
    m.on('moveend zoomend', draw);
    return () => {
      m.off('moveend zoomend', draw);
    };
  }, [points, cluster]);

  useEffect(() => {
    const group = layers.current!.pin.clearLayers();
    if (pin)
      L.circleMarker([pin.lat, pin.lng], { radius: 10, color: '#cf1322', weight: 3, fillOpacity: 0.2 }).addTo(group);
  }, [pin]);

  return (
    <div
      ref={element}
      role="application"
      aria-label={label}
      style={{ height, width: '100%', background: '#f5f5f5', borderRadius: 8 }}
    />
  );
}
