import { COMPLAINT_DISPATCH_OFFICE, COMPLAINT_TRANSITIONS, type ComplaintStatus } from '@luohu/domain';
import type { paths } from '../api/schema';
import type { Viewer } from './work-items';

/** A complaint as staff list it. */
export type StaffComplaint =
  paths['/v1/complaints']['get']['responses']['200']['content']['application/json']['items'][number];
/** A safety alert as the read model lists it. */
export type SafetyAlert =
  paths['/v1/alerts']['get']['responses']['200']['content']['application/json']['items'][number];

/** What a clerk does to a complaint from the work queue (escalation and reopening happen elsewhere). */
export type ComplaintWork = 'dispatch' | 'start' | 'answer' | 'close';
/** What a clerk does to a safety alert. */
export type AlertWork = 'acknowledge' | 'resolve';

const isHousing = (v: Viewer) => v.mspId === 'HousingMSP';
const from = (step: ComplaintWork): readonly ComplaintStatus[] => COMPLAINT_TRANSITIONS[step].from;

/**
 * What this person may do to a complaint now, as the chaincode's rules say (it decides again): the dispatch office
 * (Housing's `housing` department, clerk or director) dispatches; the clerks of the unit it went to start, answer
 * and close it.
 */
export function complaintWork(
  viewer: Viewer,
  complaint: Pick<StaffComplaint, 'status' | 'assignedUnit'>,
): ComplaintWork[] {
  if (!isHousing(viewer)) return [];
  const steps: ComplaintWork[] = [];
  const status = complaint.status as ComplaintStatus;
  if (
    viewer.dept === COMPLAINT_DISPATCH_OFFICE &&
    ['clerk', 'director'].includes(viewer.role) &&
    from('dispatch').includes(status)
  )
    steps.push('dispatch');
  if (viewer.role === 'clerk' && complaint.assignedUnit && complaint.assignedUnit === viewer.dept)
    for (const step of ['start', 'answer', 'close'] as const) if (from(step).includes(status)) steps.push(step);
  return steps;
}

/** What a Housing clerk may do to a safety alert now: acknowledge it while open, resolve it once acknowledged. */
export function alertWork(viewer: Viewer, alert: Pick<SafetyAlert, 'status'>): AlertWork[] {
  if (!isHousing(viewer) || viewer.role !== 'clerk') return [];
  if (alert.status === 'open') return ['acknowledge'];
  if (alert.status === 'acknowledged') return ['resolve'];
  return [];
}

/** Which complaint lists a person's queue reads: the dispatch office's statuses, and their own unit's complaints. */
export function complaintQueries(viewer: Viewer): { status?: ComplaintStatus; unit?: string }[] {
  if (!isHousing(viewer)) return [];
  const queries: { status?: ComplaintStatus; unit?: string }[] = [];
  if (viewer.dept === COMPLAINT_DISPATCH_OFFICE && ['clerk', 'director'].includes(viewer.role))
    queries.push(...from('dispatch').map((status) => ({ status })));
  if (viewer.role === 'clerk' && viewer.dept) queries.push({ unit: viewer.dept });
  return queries;
}
