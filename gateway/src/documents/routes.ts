import type { DomainDeps } from '../domains';

/** 电子档案 and audit: uploads, anchored documents, registry, history of any record. */
export function documentRoutes(_deps: DomainDeps): void {
  // filled in by the documents family
}
