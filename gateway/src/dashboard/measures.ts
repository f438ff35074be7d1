/**
 * The small arithmetic the dashboard's figures share: percentiles, rates, and counting Chinese working days. Pure:
 * the calendar is passed in, so each figure can be checked by hand against a fixture.
 */

/** A spread of values: how many, the median and the 90th percentile (nearest rank); null when there are none. */
export interface Spread {
  count: number;
  median: number | null;
  p90: number | null;
}

/** The nearest-rank percentile `p` (0–100) of sorted values. */
const nearestRank = (sorted: readonly number[], p: number) =>
  sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

/** Rounds to one decimal: the figures are shown that way, and the tests compare what is shown. */
export const oneDecimal = (n: number) => Math.round(n * 10) / 10;

/** Count, median and p90 of the values. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { count: 0, median: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: oneDecimal(nearestRank(sorted, 50)),
    p90: oneDecimal(nearestRank(sorted, 90)),
  };
}

/** A share: how many of how many, and the percentage (one decimal; null when there is nothing to count). */
export interface Rate {
  of: number;
  count: number;
  percent: number | null;
}

/** `count` of `of`, as a Rate. */
export const rate = (count: number, of: number): Rate => ({
  of,
  count,
  percent: of === 0 ? null : oneDecimal((count / of) * 100),
});

/** Whether a day (YYYY-MM-DD) is a working day in China (weekends and statutory holidays are not; 调休 days are). */
export type IsWorkday = (day: string) => boolean;

/** The calendar day in Shenzhen (UTC+8) of an instant. */
export const shenzhenDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

/** Working days after `from` up to and including `to` (both YYYY-MM-DD); 0 when `to` is not after `from`. */
export function workingDaysBetween(from: string, to: string, isWorkday: IsWorkday): number {
  let count = 0;
  const day = new Date(`${from}T00:00:00Z`);
  const last = Date.parse(`${to}T00:00:00Z`);
  for (day.setUTCDate(day.getUTCDate() + 1); day.getTime() <= last; day.setUTCDate(day.getUTCDate() + 1))
    if (isWorkday(day.toISOString().slice(0, 10))) count++;
  return count;
}

/** Hours between two instants. */
export const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3600_000;
