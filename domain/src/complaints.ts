/** Public complaints (公众投诉): categories, the state machine, and who dispatches. */
import type { DepartmentCode } from './departments';

export const COMPLAINT_CATEGORIES = [
  'quality',
  'safety',
  'noise',
  'dust',
  'traffic',
  'wage_arrears',
  'environment',
  'other',
] as const;
/** What a complaint is about; the gateway's catalogue gives each category its default unit and answer time. */
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_STATUSES = [
  'received',
  'dispatched',
  'in_progress',
  'answered',
  'closed',
  'reopened',
  'escalated',
] as const;
/** Where a complaint stands (COMPLAINT_TRANSITIONS says how it moves). */
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** The explicit state machine: for each step, the statuses it may start from and where it leads. */
export const COMPLAINT_TRANSITIONS = {
  dispatch: { from: ['received', 'reopened', 'escalated'], to: 'dispatched' },
  start: { from: ['dispatched'], to: 'in_progress' },
  answer: { from: ['in_progress'], to: 'answered' },
  close: { from: ['answered'], to: 'closed' },
  reopen: { from: ['answered', 'closed'], to: 'reopened' },
  escalate: { from: ['received', 'dispatched', 'in_progress', 'reopened'], to: 'escalated' },
} as const satisfies Record<string, { from: readonly ComplaintStatus[]; to: ComplaintStatus }>;
/** An action on a complaint after its intake. */
export type ComplaintStep = keyof typeof COMPLAINT_TRANSITIONS;

/** The Housing bureau's office that dispatches complaints to the handling units (派单) and escalates them by hand. */
export const COMPLAINT_DISPATCH_OFFICE: DepartmentCode = 'housing';

/** Working days a complaint may wait in `received` before someone dispatches it. */
export const DISPATCH_WORKING_DAYS = 1;
