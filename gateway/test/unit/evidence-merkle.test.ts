import { expect } from 'chai';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { leafHash, MerkleTree, nodeHash, rootFromInclusionProof } from '../../src/evidence/merkle';

/** RFC 6962 §2.1 as written: MTH splits at the largest power of two smaller than n; PATH recurses into the side holding m. */
function mth(d: Buffer[]): Buffer {
  if (d.length === 1) return leafHash(d[0]);
  const k = 2 ** Math.floor(Math.log2(d.length - 1));
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const k = 2 ** Math.floor(Math.log2(d.length - 1));
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
const items = (n: number) =>
  Array.from({ length: n }, (_v, i) => crypto.createHash('sha256').update(`item ${i}`).digest());

describe('evidence Merkle trees (RFC 6962 / 9162, no network)', function () {
  this.timeout(60_000);
  it("when built bottom-up, then the root and every audit path equal the RFC's recursive definition, for 1 to 40 items", () => {
    for (let n = 1; n <= 40; n++) {
      const d = items(n);
      const tree = new MerkleTree(d);
      expect(tree.root.equals(mth(d)), `root of ${n}`).to.equal(true);
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m);
        expect(
          proof.map((h) => h.toString('hex')),
          `path ${m} of ${n}`,
        ).to.deep.equal(path(m, d).map((h) => h.toString('hex')));
        expect(rootFromInclusionProof(d[m], m, n, proof)?.equals(tree.root), `verify ${m} of ${n}`).to.equal(true);
      }
    }
  });

  it('when a leaf and a node have the same bytes, then their hashes differ (domain separation)', () => {
    const [a, b] = items(2);
    expect(leafHash(Buffer.concat([a, b])).equals(nodeHash(a, b))).to.equal(false);
  });

  it('when any part of a proof is changed (item, index, a path hash, the path length), then it no longer gives the root', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 3 }),
        (n, mSeed, pick, what) => {
          const d = items(n);
          const tree = new MerkleTree(d);
          const m = mSeed % n;
          const proof = tree.inclusionProof(m);
          const bad = (item: Buffer, index: number, size: number, p: Buffer[]) =>
            rootFromInclusionProof(item, index, size, p)?.equals(tree.root) ?? false;
          if (what === 0) return !bad(crypto.randomBytes(32), m, n, proof);
          if (what === 1) return !bad(d[m], (m + 1 + (pick % (n - 1))) % n, n, proof);
          if (what === 2)
            return (
              proof.length === 0 ||
              !bad(
                d[m],
                m,
                n,
                proof.map((h, i) => (i === pick % proof.length ? crypto.randomBytes(32) : h)),
              )
            );
          // (The tree size is not bound by the path alone: the verifier takes it from the anchored itemCount.)
          return !bad(d[m], m, n, proof.slice(0, -1)) && !bad(d[m], m, n, [...proof, crypto.randomBytes(32)]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when the index is outside the tree, then there is no root and no proof', () => {
    expect(rootFromInclusionProof(items(1)[0], 3, 3, [])).to.equal(null);
    expect(() => new MerkleTree(items(3)).inclusionProof(3)).to.throw(RangeError);
  });
});
