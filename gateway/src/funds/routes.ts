import type { DomainDeps, DomainModule } from '../domains';
import type { Enricher, RecordType } from '../projection/read-model';

/** 合同履约 / 资金拨付: contracts, milestones, change orders, acceptance, payouts, bank confirmation. */
export function fundsRoutes(_deps: DomainDeps): DomainModule {
  // filled in by the funds family
  return {};
}

/** Query fields this family's record types keep in the read model. */
export const fundsEnrichers: Partial<Record<RecordType, Enricher>> = {};
