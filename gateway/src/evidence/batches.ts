/**
 * Merkle batches of evidence items: the gateway builds the tree over the items' SHA-256s, stores the items once per
 * batch (one document holding the 32-byte hashes back to back), and serves each item's inclusion proof on demand
 * from a rebuilt tree (a few recent trees are kept in memory).
 */
import mongoose, { Schema } from 'mongoose';
import { ConflictError, NotFoundError } from '../platform/errors';
import { MerkleTree } from './merkle';
import type { BatchItemEvidence } from './format';

interface StoredBatch {
  _id: string;
  kind: string;
  merkleRoot: string;
  itemCount: number;
  items: Buffer;
  createdBy: string;
  createdAt: Date;
}

/** Trees kept in memory, by bytes (a 10,000-item tree holds ~640 KB). */
const TREE_BYTES_KEPT = 64 * 1024 * 1024;

/** The items of anchored batches (kept off-chain) and their Merkle trees, to serve each item's inclusion proof. */
export class BatchItems {
  private readonly batches: mongoose.Model<StoredBatch>;
  private readonly trees = new Map<string, { tree: MerkleTree; items: Buffer }>();
  private keptBytes = 0;

  constructor(connection: mongoose.Connection) {
    this.batches =
      (connection.models.EvidenceBatch as mongoose.Model<StoredBatch>) ??
      connection.model<StoredBatch>(
        'EvidenceBatch',
        new Schema<StoredBatch>(
          {
            _id: String,
            kind: { type: String, required: true },
            merkleRoot: { type: String, required: true },
            itemCount: { type: Number, required: true },
            items: { type: Buffer, required: true },
            createdBy: { type: String, required: true },
            createdAt: { type: Date, required: true },
          },
          { collection: 'evidence_batches', versionKey: false },
        ),
      );
  }

  /** Builds the tree and stores the items before the root is anchored; a batch ID is used once. */
  async prepare(
    batchId: string,
    kind: string,
    itemHashes: string[],
    createdBy: string,
  ): Promise<{ merkleRoot: string; itemCount: number }> {
    const items = itemHashes.map((h) => Buffer.from(h, 'hex'));
    const tree = new MerkleTree(items);
    const merkleRoot = tree.root.toString('hex');
    try {
      await this.batches.create({
        _id: batchId,
        kind,
        merkleRoot,
        itemCount: items.length,
        items: Buffer.concat(items),
        createdBy,
        createdAt: new Date(),
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const existing = await this.batches.findById(batchId, { merkleRoot: 1 }).lean();
      // The same items again (a retried request) is the same batch; different items under a used ID are refused.
      if (existing?.merkleRoot !== merkleRoot) throw new ConflictError(`batch ${batchId} already holds other items`);
    }
    this.keep(batchId, { tree, items: Buffer.concat(items) });
    return { merkleRoot, itemCount: items.length };
  }

  private keep(batchId: string, entry: { tree: MerkleTree; items: Buffer }): void {
    const previous = this.trees.get(batchId);
    if (previous) {
      this.trees.delete(batchId);
      this.keptBytes -= previous.tree.bytes + previous.items.length;
    }
    this.trees.set(batchId, entry);
    this.keptBytes += entry.tree.bytes + entry.items.length;
    while (this.keptBytes > TREE_BYTES_KEPT && this.trees.size > 1) {
      const [oldest, dropped] = this.trees.entries().next().value as [string, { tree: MerkleTree; items: Buffer }];
      this.trees.delete(oldest);
      this.keptBytes -= dropped.tree.bytes + dropped.items.length;
    }
  }

  private async tree(batchId: string): Promise<{ tree: MerkleTree; items: Buffer }> {
    const kept = this.trees.get(batchId);
    if (kept) return kept;
    const stored = await this.batches.findById(batchId).lean<StoredBatch>();
    if (!stored)
      throw new NotFoundError(`batch ${batchId} has no stored items (it was not anchored through the items API)`);
    const raw = stored.items as unknown;
    const items = Buffer.isBuffer(raw)
      ? raw
      : Buffer.from((raw as mongoose.mongo.Binary).read(0, (raw as mongoose.mongo.Binary).length()));
    const hashes: Buffer[] = [];
    for (let i = 0; i < items.length; i += 32) hashes.push(items.subarray(i, i + 32));
    const entry = { tree: new MerkleTree(hashes), items };
    this.keep(batchId, entry);
    return entry;
  }

  /** Leaf `index`'s proof, or the first leaf holding `itemSha256`. */
  async proof(batchId: string, which: { index?: number; itemSha256?: string }): Promise<BatchItemEvidence> {
    const { tree, items } = await this.tree(batchId);
    let index = which.index;
    if (which.itemSha256 !== undefined) {
      const needle = Buffer.from(which.itemSha256, 'hex');
      index = -1;
      for (let i = 0; i < items.length; i += 32)
        if (items.subarray(i, i + 32).equals(needle)) {
          index = i / 32;
          break;
        }
      if (index < 0) throw new NotFoundError(`item ${which.itemSha256} is not in batch ${batchId}`);
    }
    if (index === undefined || index >= tree.size)
      throw new NotFoundError(`batch ${batchId} has ${tree.size} items; there is no item ${index}`);
    return {
      batchId,
      itemSha256: items.subarray(index * 32, index * 32 + 32).toString('hex'),
      leafIndex: index,
      treeSize: tree.size,
      auditPath: tree.inclusionProof(index).map((h) => h.toString('hex')),
    };
  }
}

const perConnection = new WeakMap<mongoose.Connection, BatchItems>();
/** One store per database connection, so that the items route and the evidence route share recent trees. */
export function batchItemsOf(connection: mongoose.Connection): BatchItems {
  let items = perConnection.get(connection);
  if (!items) {
    items = new BatchItems(connection);
    perConnection.set(connection, items);
  }
  return items;
}
