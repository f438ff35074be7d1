/** Site safety (进度与质量): what edge devices report and the life of an alert. */

export const ALERT_TYPES = [
  'no_helmet',
  'no_safety_vest',
  'intrusion',
  'fire_smoke',
  'fall_risk',
  'crane_overload',
  'dust',
  'noise',
  'other',
] as const;
/** What an edge device saw on site. */
export type AlertType = (typeof ALERT_TYPES)[number];

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
/** Where a safety alert stands: open until acknowledged, then resolved. */
export type AlertStatus = (typeof ALERT_STATUSES)[number];
