/**
 * Deadlines in Chinese working days: weekends and statutory holidays do not count, make-up working days (调休) do.
 * The calendar comes from chinese-workday (ES module only, hence loaded once at start).
 */
type Calendar = { isWorkday(day: string): boolean };
let calendar: Calendar | undefined;

/** Loads the holiday calendar; called once at start, before any deadline is computed. */
export async function loadCalendar(): Promise<void> {
  calendar ??= (await import('chinese-workday')) as Calendar;
}

/** Today's date in Shenzhen (UTC+8), YYYY-MM-DD. */
export function todayInShenzhen(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The date `n` working days after `from` (the day itself does not count). */
export function addWorkingDays(from: string, n: number): string {
  if (!calendar) throw new Error('working-day calendar not loaded');
  const day = new Date(`${from}T00:00:00Z`);
  for (let counted = 0; counted < n;) {
    day.setUTCDate(day.getUTCDate() + 1);
    if (calendar.isWorkday(day.toISOString().slice(0, 10))) counted++;
  }
  return day.toISOString().slice(0, 10);
}

/** The date `workingDays` working days from today in Shenzhen. */
export const deadlineIn = (workingDays: number) => addWorkingDays(todayInShenzhen(), workingDays);

/** Whether a day (YYYY-MM-DD) is a working day (the calendar must be loaded). */
export function isWorkday(day: string): boolean {
  if (!calendar) throw new Error('working-day calendar not loaded');
  return calendar.isWorkday(day);
}
