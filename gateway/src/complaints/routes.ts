import type { DomainDeps, DomainModule } from '../domains';
import type { Enricher, RecordType } from '../projection/read-model';

/** 公众投诉: Open311-style services and requests, classification, dispatch, answers, rating, escalation. */
export function complaintRoutes(_deps: DomainDeps): DomainModule {
  // filled in by the complaints family
  return {};
}

/** Query fields this family's record types keep in the read model. */
export const complaintsEnrichers: Partial<Record<RecordType, Enricher>> = {};
