import type { DeadlineState } from '../format/deadline';

/** A value, or a dash when there is nothing to measure yet. */
export const orDash = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : String(v));

/** A share as shown: "94.0 %", or a dash when nothing was counted. */
export const percentOf = (r: { percent: number | null }): string =>
  r.percent === null ? '—' : `${r.percent.toFixed(1)} %`;

/**
 * How a schedule deviation (actual − planned progress, in points) is coloured: 10 or more behind is overdue red,
 * 5 or more behind orange, else green — the severity bands of the monitoring rules (severityOf).
 */
export function deviationTone(points: number): DeadlineState {
  if (points <= -10) return 'overdue';
  if (points <= -5) return 'due';
  return 'ok';
}
