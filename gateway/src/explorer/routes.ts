import { z } from 'zod';
import type { DomainDeps, DomainModule } from '../domain-deps';
import type { Role } from '../identity/models';
import { LedgerExplorer } from './explorer';

/** Who may browse blocks and transactions with everything they wrote: the auditors. */
export const EXPLORER_ROLES: readonly Role[] = ['auditor'];

const signer = z.strictObject({
  mspId: z.string(),
  subject: z.string().describe("the certificate's CN: the enrollment ID"),
  role: z.string().nullable(),
  custody: z.string().nullable().describe('who held the signing key: own (its holder) or gateway'),
});
const txHash = z.string().regex(/^[0-9a-f]{64}$/, 'a transaction ID (64 hex characters)');

/** GET /v1/ledger/blocks/{number} and GET /v1/ledger/transactions/{txId}: the explorer's views, for auditors. */
export function explorerRoutes({ routes, ledger, identities }: DomainDeps): DomainModule {
  const explorer = new LedgerExplorer(ledger, identities);
  routes.add(
    {
      method: 'get',
      path: '/ledger/blocks/:number',
      tag: 'ledger explorer',
      access: EXPLORER_ROLES,
      params: z.strictObject({ number: z.string().regex(/^\d{1,19}$/, 'a block number') }),
      response: z.strictObject({
        number: z.string(),
        dataHash: z.string(),
        previousHash: z.string(),
        transactions: z.array(
          z.strictObject({
            transactionId: z.string(),
            type: z.string(),
            timestamp: z.string(),
            creator: signer,
            validationCode: z.string(),
          }),
        ),
      }),
      summary: 'A block as a peer holds it: its hashes and each transaction with its creator and validation code',
    },
    async ({ params, user }) => explorer.block(user!._id, BigInt(params.number)),
  );
  routes.add(
    {
      method: 'get',
      path: '/ledger/transactions/:txId',
      tag: 'ledger explorer',
      access: EXPLORER_ROLES,
      params: z.strictObject({ txId: txHash }),
      response: z.strictObject({
        transactionId: z.string(),
        blockNumber: z.string(),
        blockDataHash: z.string(),
        type: z.string(),
        timestamp: z.string(),
        chaincode: z.string().nullable(),
        creator: signer,
        endorsers: z.array(signer),
        validationCode: z.string(),
        writes: z.array(
          z.strictObject({ namespace: z.string(), key: z.string(), deleted: z.boolean(), value: z.unknown() }),
        ),
      }),
      summary:
        'A transaction as Hyperledger Explorer shows it: block, creator, endorsers, validation code and every key it wrote',
    },
    async ({ params, user }) => explorer.transaction(user!._id, params.txId),
  );
  return {};
}
