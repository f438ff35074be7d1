import type { DomainDeps } from '../domains';

/** 公众投诉: Open311-style services and requests, classification, dispatch, answers, rating, escalation. */
export function complaintRoutes(_deps: DomainDeps): void {
  // filled in by the complaints family
}
