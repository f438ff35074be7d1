import { z } from 'zod';
import type { DomainDeps, DomainModule } from '../domain-deps';
import { recordKey } from '../documents/audit-routes';
import { FileStore } from '../documents/file-store';
import { RECORD_KINDS } from '@luohu/domain';
import { readModelId } from '../documents/record-audit';
import { assertMayRead } from '../access/read-access';
import type { Role } from '../identity/models';
import { ledgerId } from '../shared/schemas';
import { batchAnchorRoutes } from './batch-anchor-routes';
import { batchItemsOf } from './batches';
import { EvidenceExporter } from './exporter';
import { checkpoint, evidenceBundle } from '../shared/record-schemas';

/** Bureau staff who may take evidence out of the system (contractors, owners and devices may not). */
const EVIDENCE_READERS: readonly Role[] = [
  'auditor',
  'admin',
  'director',
  'clerk',
  'reviewer',
  'inspector',
  'finance',
  'analyst',
];
const MAX_FILE_IN_BUNDLE = 20 * 1024 * 1024;
const blockNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const txId = z.string().regex(/^[0-9a-f]{64}$/, 'a Fabric transaction ID (64 lower-case hex characters)');

/** 存证: evidence bundles an auditor verifies offline (`npm run verify-evidence`), and the checkpoints they link to. */
export function evidenceRoutes(deps: DomainDeps): DomainModule {
  const { routes, ledger, identities, connection, readModel } = deps;
  batchAnchorRoutes(deps);
  const exporter = new EvidenceExporter(ledger, identities, connection, new FileStore(connection, MAX_FILE_IN_BUNDLE));
  const batches = batchItemsOf(connection);
  const attachment = (res: { setHeader(n: string, v: string): void }, name: string) =>
    res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`);

  routes.add(
    {
      method: 'post',
      path: '/evidence/checkpoints',
      response: checkpoint,
      tag: 'evidence',
      access: ['auditor', 'admin'],
      status: 201,
      summary:
        'Take a checkpoint: the newest block header with its orderer signatures, the config block that checks them and the header chain ' +
        'from that config block — and from the previous checkpoint, or from block `since`, for a consistency proof against an older checkpoint',
      body: z.strictObject({ since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }),
    },
    async ({ user, body }) => exporter.createCheckpoint(user!._id, body.since),
  );

  routes.add(
    {
      method: 'get',
      path: '/evidence/checkpoints/latest',
      response: checkpoint,
      tag: 'evidence',
      access: 'user',
      summary: 'The newest checkpoint taken',
    },
    async ({ res }) => {
      const cp = await exporter.latestCheckpoint();
      attachment(res, `checkpoint-${cp.blockNumber}.json`);
      return cp;
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/evidence/checkpoints/:blockNumber',
      response: checkpoint,
      tag: 'evidence',
      access: 'user',
      summary: 'The checkpoint taken at a block',
      params: z.strictObject({ blockNumber }),
    },
    async ({ params, res }) => {
      attachment(res, `checkpoint-${params.blockNumber}.json`);
      return exporter.checkpoint(params.blockNumber);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/evidence/batch-items/:batchId/:index',
      response: evidenceBundle,
      tag: 'evidence',
      access: EVIDENCE_READERS,
      summary:
        "Evidence bundle of one item of a Merkle batch: the batch anchor's bundle with the item's inclusion proof",
      params: z.strictObject({ batchId: ledgerId, index: z.coerce.number().int().min(0).max(10_000_000) }),
      query: z.strictObject({ checkpoint: blockNumber.optional() }),
    },
    async ({ params, query, user, res }) => {
      await assertMayRead(readModel, user!, 'batchAnchor', params.batchId, 'batch'); // the read policy, as for the record's own routes
      const batchItem = await batches.proof(params.batchId, { index: params.index });
      const bundle = await exporter.recordBundle(user!._id, 'batchAnchor', [params.batchId], {
        checkpoint: query.checkpoint,
      });
      attachment(res, `evidence-batch-${params.batchId}-${params.index}.json`);
      return { ...bundle, batchItem };
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/evidence/:recordType/:id',
      response: evidenceBundle,
      tag: 'evidence',
      access: EVIDENCE_READERS,
      summary:
        'Evidence bundle of a record (newest version unless txId): record bytes, transactions, blocks, config block, header chain ' +
        'to a checkpoint; a payout adds its key-level policy and milestone acceptance, a document its file. Composite keys: "HT001%2FM1"',
      params: z.strictObject({ recordType: z.enum(RECORD_KINDS), id: recordKey }),
      query: z.strictObject({ txId: txId.optional(), checkpoint: blockNumber.optional() }),
    },
    async ({ params, query, user, res }) => {
      await assertMayRead(
        readModel,
        user!,
        params.recordType,
        readModelId(params.recordType, params.id),
        params.recordType,
      );
      const bundle = await exporter.recordBundle(user!._id, params.recordType, params.id, query);
      attachment(res, `evidence-${params.recordType}-${params.id.join('-')}.json`);
      return bundle;
    },
  );
  return {};
}
