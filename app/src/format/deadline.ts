/** How a working-day deadline looks in a work queue: overdue (red), due today or tomorrow (orange), or in time. */
export type DeadlineState = 'overdue' | 'due' | 'ok';

/** The deadline's state on `today` (both ISO dates, YYYY-MM-DD; a deadline is the last day to act). */
export function deadlineState(deadline: string, today: string): DeadlineState {
  if (deadline < today) return 'overdue';
  const tomorrow = new Date(`${today}T00:00:00Z`);
  tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
  return deadline <= tomorrow.toISOString().slice(0, 10) ? 'due' : 'ok';
}

/** The tag colour of each state: antd's red, orange and green at shade 8, dark enough for white text (WCAG AA). */
export const DEADLINE_COLOURS: Record<DeadlineState, string> = { overdue: '#a8071a', due: '#ad4e00', ok: '#237804' };
