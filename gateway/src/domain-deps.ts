// What domains.ts hands each API family: here, below the families, so that they need not import domains.ts (which imports them).
import type mongoose from 'mongoose';
import type { Config } from './config';
import type { IdentityService } from './identity/identity-service';
import type { Ledger } from './ledger/ledger';
import type { LiveUpdates } from './live/live-updates';
import type { AnchoredWrites } from './operations/anchored-writes';
import type { AuthorSignedWrites } from './operations/author-signed-writes';
import type { Logger } from './platform/logger';
import type { RouteTable } from './platform/routes';
import type { ReadModel } from './projection/read-model';

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
