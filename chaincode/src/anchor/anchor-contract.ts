/** Contract `anchor`: the minimal anchoring transaction (also used by the network tests and the benchmark). */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorOf, authorize } from '../shared/access';
import { emit, pageByIndex, putIndex, putRecord, recordExists, recordKey, txTime } from '../shared/ledger';
import { canonicalJson } from '../shared/serialise';
import { requireId } from '../shared/validate';
import { BATCH, BATCH_BY_KIND, BatchAnchor, loadBatch, parseBatch } from './anchor';
import { refuse } from '../shared/refusal';

/** The `anchor` namespace's transactions: record a batch's Merkle root, read batches back. */
@Info({ title: 'anchor', description: 'Merkle-root batch anchors for bulk evidence' })
export class AnchorContract extends Contract {
  constructor() {
    super('anchor');
  }

  /**
   * Stores one batch anchor and returns it (with txId and timestamp). Allowed for any identity of the three
   * bureau MSPs, with or without a role attribute, except roles auditor (read-only) and contractor (party to the evidence).
   */
  @Transaction()
  @Returns('string')
  async anchorBatch(
    ctx: Context,
    batchId: string,
    merkleRoot: string,
    itemCount: string,
    kind: string,
  ): Promise<string> {
    const caller = await authorize(ctx, 'anchor.anchorBatch');
    const input = parseBatch(batchId, merkleRoot, itemCount, kind);
    if (await recordExists(ctx, BATCH, [input.batchId])) {
      throw refuse('already_exists', `batch ${input.batchId} is already anchored`);
    }
    const batch: BatchAnchor = {
      docType: 'batchAnchor',
      ...input,
      anchoredBy: actorOf(caller),
      txId: ctx.stub.getTxID(),
      timestamp: txTime(ctx),
    };
    const state = await putRecord(ctx, BATCH, [batch.batchId], batch);
    await putIndex(ctx, BATCH_BY_KIND, [batch.kind, batch.batchId], recordKey(ctx, BATCH, [batch.batchId]));
    emit(ctx, { type: 'anchor.batch', ids: { batchId: batch.batchId, kind: batch.kind }, state });
    return state.json;
  }

  @Transaction(false)
  @Returns('string')
  async readBatch(ctx: Context, batchId: string): Promise<string> {
    await authorize(ctx, 'anchor.read');
    return canonicalJson(await loadBatch(ctx, batchId));
  }

  @Transaction(false)
  @Returns('string')
  async listBatchesByKind(ctx: Context, kind: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'anchor.read');
    return canonicalJson(
      await pageByIndex<BatchAnchor>(ctx, BATCH_BY_KIND, [requireId('kind', kind)], pageSize, bookmark),
    );
  }
}
