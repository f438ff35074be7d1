import type mongoose from 'mongoose';
import type { Config } from './config';
import type { IdentityService } from './identity/identity-service';
import type { Ledger } from './ledger/ledger';
import type { LiveUpdates } from './live/live-updates';
import type { AnchoredWrites } from './operations/anchored-writes';
import type { AuthorSignedWrites } from './operations/author-signed-writes';
import type { Logger } from './platform/logger';
import type { RouteTable } from './platform/routes';
import type { Enricher, ReadModel, RecordType } from './projection/read-model';
import { approvalRoutes, projectEnricher } from './approval/routes';
import { complaintRoutes, complaintsEnrichers } from './complaints/routes';
import { documentRoutes, documentsEnrichers } from './documents/routes';
import { evidenceRoutes } from './evidence/routes';
import { fundsEnrichers, fundsRoutes } from './funds/routes';
import { monitoringEnrichers, monitoringRoutes } from './monitoring/routes';
import { reconciliationRoutes } from './reconciliation/routes';

/** What each API family gets: routes to add to, the anchored-write path, the read model, the ledger (for reads). */
export interface DomainDeps {
  routes: RouteTable;
  /** The database, for a family's own collections (files, off-chain data); the read model is `readModel`. */
  connection: mongoose.Connection;
  writes: AnchoredWrites;
  /** Writes whose author holds their own key and signs each step (devices). */
  signed: AuthorSignedWrites;
  readModel: ReadModel;
  ledger: Ledger;
  identities: IdentityService;
  config: Config;
  logger: Logger;
  /** Pushes gateway notices to signed-in clients by role (ledger events reach them on their own); absent in harnesses without sockets. */
  live?: Pick<LiveUpdates, 'notifyRoles'>;
}

/** What a family may run besides its routes (schedulers, subscribers, adapters), started and stopped with the server. */
export interface DomainModule {
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

/** The API families, one folder each. */
export function domainRoutes(deps: DomainDeps): DomainModule[] {
  return [approvalRoutes(deps), fundsRoutes(deps), monitoringRoutes(deps), complaintRoutes(deps), documentRoutes(deps), reconciliationRoutes(deps), evidenceRoutes(deps)];
}

/** Query fields each record type keeps in the read model beyond the ledger record. */
export const readModelEnrichers: Partial<Record<RecordType, Enricher>> = {
  project: projectEnricher,
  ...fundsEnrichers,
  ...monitoringEnrichers,
  ...complaintsEnrichers,
  ...documentsEnrichers,
};
