import type { DomainDeps, DomainModule } from '../domains';
import type { Enricher, RecordType } from '../projection/read-model';

/** 电子档案 and audit: uploads, anchored documents, registry, history of any record. */
export function documentRoutes(_deps: DomainDeps): DomainModule {
  // filled in by the documents family
  return {};
}

/** Query fields this family's record types keep in the read model. */
export const documentsEnrichers: Partial<Record<RecordType, Enricher>> = {};
