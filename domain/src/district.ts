/**
 * Luohu District (罗湖区, adcode 440303) and its ten subdistricts (街道), by their public names. Each point is the
 * subdistrict's approximate centre in WGS-84 (the system's coordinates, as projects carry them); maps whose boundary
 * data is in GCJ-02 convert these, never the other way round in storage.
 */
export const LUOHU_ADCODE = '440303';

/** A subdistrict: its code here, its Chinese and English names, and its approximate centre (WGS-84). */
export interface Subdistrict {
  code: string;
  zh: string;
  en: string;
  lat: number;
  lng: number;
}

export const SUBDISTRICTS: readonly Subdistrict[] = [
  { code: 'guiyuan', zh: '桂园街道', en: 'Guiyuan', lat: 22.5475, lng: 114.1085 },
  { code: 'huangbei', zh: '黄贝街道', en: 'Huangbei', lat: 22.5465, lng: 114.1345 },
  { code: 'dongmen', zh: '东门街道', en: 'Dongmen', lat: 22.5475, lng: 114.1195 },
  { code: 'cuizhu', zh: '翠竹街道', en: 'Cuizhu', lat: 22.5615, lng: 114.1285 },
  { code: 'nanhu', zh: '南湖街道', en: 'Nanhu', lat: 22.5385, lng: 114.1165 },
  { code: 'sungang', zh: '笋岗街道', en: 'Sungang', lat: 22.5625, lng: 114.1075 },
  { code: 'donghu', zh: '东湖街道', en: 'Donghu', lat: 22.5695, lng: 114.1455 },
  { code: 'liantang', zh: '莲塘街道', en: 'Liantang', lat: 22.5625, lng: 114.177 },
  { code: 'dongxiao', zh: '东晓街道', en: 'Dongxiao', lat: 22.5775, lng: 114.1255 },
  { code: 'qingshuihe', zh: '清水河街道', en: 'Qingshuihe', lat: 22.5865, lng: 114.1125 },
];

/** Shenzhen's public-service hotline (政务服务便民热线), the contact the public pages give for any project. */
export const PUBLIC_HOTLINE = '12345';

/** The subdistrict whose centre is nearest a WGS-84 point (an equirectangular distance is exact enough at this scale). */
export function nearestSubdistrict(lat: number, lng: number): Subdistrict {
  const kx = Math.cos((lat * Math.PI) / 180);
  const d2 = (s: Subdistrict) => (s.lat - lat) ** 2 + ((s.lng - lng) * kx) ** 2;
  return SUBDISTRICTS.reduce((best, s) => (d2(s) < d2(best) ? s : best));
}
