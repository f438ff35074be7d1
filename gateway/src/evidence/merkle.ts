/**
 * RFC 6962 / RFC 9162 Merkle trees over evidence items (the SHA-256 of each photo or sensor log): leaf hash
 * SHA-256(0x00 ‖ item), node hash SHA-256(0x01 ‖ left ‖ right), so that a leaf can never pass for a node. A tree of
 * n leaves splits at the largest power of two below n, as Certificate Transparency's does.
 */
import crypto from 'node:crypto';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

// One-shot crypto.hash (Node ≥ 20.12) is several times cheaper than a Hash object for 33–65 bytes.
const digest = (bytes: Buffer): Buffer => crypto.hash('sha256', bytes, 'buffer');
/** An RFC 6962 leaf hash (0x00 prefix). */
export const leafHash = (item: Buffer): Buffer => digest(Buffer.concat([LEAF, item]));
/** An RFC 6962 interior node hash (0x01 prefix). */
export const nodeHash = (left: Buffer, right: Buffer): Buffer => digest(Buffer.concat([NODE, left, right]));

/**
 * The tree's levels, leaves first, each one contiguous buffer of 32-byte hashes (compact enough to keep many trees).
 * Level k holds the hashes of complete subtrees of 2^k leaves, and a last, partial node carried up unchanged
 * (RFC 9162's split rule gives the same root and paths as this bottom-up form).
 */
export class MerkleTree {
  private readonly levels: Buffer[];
  readonly size: number;

  constructor(items: Buffer[]) {
    if (items.length === 0) throw new Error('a Merkle tree needs at least one item');
    this.size = items.length;
    const leaves = Buffer.allocUnsafe(items.length * 32);
    items.forEach((item, i) => leafHash(item).copy(leaves, i * 32));
    this.levels = [leaves];
    for (let below = leaves; below.length > 32;) {
      const count = below.length / 32;
      const level = Buffer.allocUnsafe(Math.ceil(count / 2) * 32);
      for (let i = 0; i < count; i += 2) {
        const node =
          i + 1 < count
            ? nodeHash(below.subarray(i * 32, i * 32 + 32), below.subarray(i * 32 + 32, i * 32 + 64))
            : below.subarray(i * 32, i * 32 + 32);
        node.copy(level, (i / 2) * 32);
      }
      this.levels.push(level);
      below = level;
    }
  }

  get root(): Buffer {
    return Buffer.from(this.levels[this.levels.length - 1]);
  }
  /** Bytes held (to bound how many trees are kept). */
  get bytes(): number {
    return this.levels.reduce((a, l) => a + l.length, 0);
  }

  /** The audit path of leaf `index`, bottom-up (RFC 9162 §2.1.3.1). */
  inclusionProof(index: number): Buffer[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size)
      throw new RangeError(`leaf ${index} is outside a tree of ${this.size}`);
    const path: Buffer[] = [];
    let i = index;
    for (const level of this.levels.slice(0, -1)) {
      const sibling = i ^ 1;
      if (sibling * 32 < level.length) path.push(Buffer.from(level.subarray(sibling * 32, sibling * 32 + 32)));
      i >>= 1;
    }
    return path;
  }
}

/** RFC 9162 §2.1.3.2: recomputes the root from a leaf, its index, the tree size and the audit path. */
export function rootFromInclusionProof(item: Buffer, index: number, treeSize: number, path: Buffer[]): Buffer | null {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return null;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash(item);
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}
