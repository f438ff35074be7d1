import { ledgerWrite } from '../operations/ledger-write';
import type { BatchItems } from './batches';

/** Who anchors batches of site evidence: the Housing bureau's staff and devices (the chaincode's anchor.anchorBatch rule). */
const ANCHORERS = ['clerk', 'reviewer', 'inspector', 'director', 'device', 'analyst'] as const;

/** The kinds of evidence a batch gathers. */
export type BatchKind = 'photos' | 'sensor-log' | 'inspection' | 'video' | 'bench';

/** Anchor the Merkle root of a batch the caller built (the items stay off-chain; each keeps its inclusion proof). */
export const anchorBatch = ledgerWrite<{ batchId: string; merkleRoot: string; itemCount: number; kind: BatchKind }>({
  access: ANCHORERS,
  call: ({ batchId, merkleRoot, itemCount, kind }) => ({
    namespace: 'anchor',
    fn: 'anchorBatch',
    args: [batchId, merkleRoot, String(itemCount), kind],
  }),
});

/**
 * Anchor a batch of items: the gateway builds the RFC 6962 tree and keeps the items (once per batch, after the
 * Idempotency-Key lookup), and the root goes to the ledger in one transaction.
 */
export const anchorBatchItems = (items: BatchItems) =>
  ledgerWrite<{ batchId: string; kind: BatchKind; items: string[] }>({
    access: ANCHORERS,
    call: async ({ batchId, kind, items: hashes }, actor) => {
      const tree = await items.prepare(batchId, kind, hashes, actor._id);
      return { namespace: 'anchor', fn: 'anchorBatch', args: [batchId, tree.merkleRoot, String(tree.itemCount), kind] };
    },
  });
