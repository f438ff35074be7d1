/** Batch anchors: one Merkle root standing for many evidence items (photos, sensor logs) in one transaction. */
import type { Context } from 'fabric-contract-api';
import { Actor } from '../registry/registry';
import { getRecord } from '../shared/ledger';
import { requireId, requireInt } from '../shared/validate';
import { refuse } from '../shared/refusal';

export const BATCH = 'batchAnchor';
export const BATCH_BY_KIND = 'batchAnchor~kind';
export const MAX_BATCH_ITEMS = 10_000_000;

/**
 * A batch anchor on the ledger: the root, how many items it covers, of what kind, and who anchored it in which
 * transaction.
 */
export interface BatchAnchor {
  docType: 'batchAnchor';
  batchId: string;
  merkleRoot: string;
  itemCount: number;
  kind: string;
  anchoredBy: Actor;
  txId: string;
  timestamp: string;
}

/** The kind of batch that holds site photos (the gateway's `photos`). */
export const PHOTO_BATCH_KIND = 'photos';

/** A batch anchor, or the refusal `not_found`. */
export async function loadBatch(ctx: Context, batchId: string): Promise<BatchAnchor> {
  const batch = await getRecord<BatchAnchor>(ctx, BATCH, [requireId('batchId', batchId)]);
  if (!batch) throw refuse('not_found', `batch ${batchId} does not exist`, { kind: 'batchAnchor', id: batchId });
  return batch;
}

/** The anchor transaction's arguments checked (root lower-cased); refuses a root that is not 64 hex characters. */
export function parseBatch(batchId: string, merkleRoot: string, itemCount: string, kind: string) {
  if (typeof merkleRoot !== 'string' || !/^[0-9a-fA-F]{64}$/.test(merkleRoot)) {
    throw refuse(
      'invalid_request',
      `batch ${batchId}: merkleRoot must be 64 hex characters (a SHA-256 Merkle root), got ${JSON.stringify(merkleRoot)}`,
    );
  }
  return {
    batchId: requireId('batchId', batchId),
    merkleRoot: merkleRoot.toLowerCase(),
    itemCount: requireInt('itemCount', itemCount, 1, MAX_BATCH_ITEMS),
    kind: requireId('kind', kind),
  };
}
