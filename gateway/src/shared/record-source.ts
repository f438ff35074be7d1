import { z } from 'zod';
import type { Ledger, Signers } from '../ledger/ledger';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import type { ReadModel, RecordType } from '../projection/read-model';
import { byId } from './read-queries';
import { assertMayRead } from '../access/read-access';

/** `?source=ledger` on a detail route: read the record from the ledger (as the caller) instead of the read model. */
export const sourceQuery = z.strictObject({ source: z.enum(['read-model', 'ledger']).default('read-model') });

/** The chaincode query that reads a record from the ledger. */
export interface LedgerRead {
  namespace: string;
  fn: string;
  args: string[];
}

/** A record as the read model holds it, or as the ledger holds it now — the way to check one against the other. */
export async function recordFrom(
  deps: { ledger: Ledger; identities: Signers; readModel: ReadModel },
  source: 'read-model' | 'ledger',
  user: AuthenticatedUser,
  ledgerRead: LedgerRead,
  readModel: { type: RecordType; id: string; what: string },
): Promise<Record<string, unknown>> {
  if (source === 'ledger') {
    await assertMayRead(deps.readModel, user, readModel.type, readModel.id, readModel.what);
    return JSON.parse(
      await deps.ledger.evaluate(
        await deps.identities.reader(user._id),
        ledgerRead.namespace,
        ledgerRead.fn,
        ledgerRead.args,
      ),
    );
  }
  return byId(deps.readModel.model(readModel.type), readModel.id, readModel.what, user);
}
