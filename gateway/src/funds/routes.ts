import type { DomainDeps } from '../domains';

/** 合同履约 / 资金拨付: contracts, milestones, change orders, acceptance, payouts, bank confirmation. */
export function fundsRoutes(_deps: DomainDeps): void {
  // filled in by the funds family
}
