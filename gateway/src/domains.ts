import type { Config } from './config';
import type { IdentityService } from './identity/identity-service';
import type { Ledger } from './ledger/ledger';
import type { AnchoredWrites } from './operations/anchored-writes';
import type { Logger } from './platform/logger';
import type { RouteTable } from './platform/routes';
import type { Enricher, ReadModel, RecordType } from './projection/read-model';
import { approvalRoutes, projectEnricher } from './approval/routes';
import { complaintRoutes } from './complaints/routes';
import { documentRoutes } from './documents/routes';
import { fundsRoutes } from './funds/routes';
import { monitoringRoutes } from './monitoring/routes';

/** What each API family gets: routes to add to, the anchored-write path, the read model, the ledger (for reads). */
export interface DomainDeps {
  routes: RouteTable;
  writes: AnchoredWrites;
  readModel: ReadModel;
  ledger: Ledger;
  identities: IdentityService;
  config: Config;
  logger: Logger;
}

/** The API families, one folder each. */
export function domainRoutes(deps: DomainDeps): void {
  approvalRoutes(deps);
  fundsRoutes(deps);
  monitoringRoutes(deps);
  complaintRoutes(deps);
  documentRoutes(deps);
}

/** Query fields each record type keeps in the read model beyond the ledger record. */
export const readModelEnrichers: Partial<Record<RecordType, Enricher>> = {
  project: projectEnricher,
};
