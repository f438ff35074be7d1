import type { DomainDeps, DomainModule } from './domain-deps';
import type { Enricher, RecordType } from './projection/read-model';
import { approvalRoutes } from './approval/routes';
import { projectEnricher } from './approval/use-cases';
import { complaintRoutes, complaintsEnrichers } from './complaints/routes';
import { dashboardRoutes } from './dashboard/routes';
import { documentRoutes, documentsEnrichers } from './documents/routes';
import { evidenceRoutes } from './evidence/routes';
import { explorerRoutes } from './explorer/routes';
import { fundsEnrichers, fundsRoutes } from './funds/routes';
import { monitoringEnrichers, monitoringRoutes } from './monitoring/routes';
import { publicProjectRoutes } from './public-projects/routes';
import { reconciliationRoutes } from './reconciliation/routes';

/** The API families, one folder each. */
export function domainRoutes(deps: DomainDeps): DomainModule[] {
  return [
    approvalRoutes(deps),
    publicProjectRoutes(deps),
    fundsRoutes(deps),
    monitoringRoutes(deps),
    complaintRoutes(deps),
    documentRoutes(deps),
    reconciliationRoutes(deps),
    evidenceRoutes(deps),
    dashboardRoutes(deps),
    explorerRoutes(deps),
  ];
}

/** Query fields each record type keeps in the read model beyond the ledger record. */
export const readModelEnrichers: Partial<Record<RecordType, Enricher>> = {
  project: projectEnricher,
  ...fundsEnrichers,
  ...monitoringEnrichers,
  ...complaintsEnrichers,
  ...documentsEnrichers,
};
