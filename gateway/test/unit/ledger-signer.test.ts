import crypto from 'node:crypto';
import { expect } from 'chai';
import { fabricSignature } from '../../src/ledger/ecdsa-signature';
import { signerFor } from '../../src/ledger/signer';

const P256_HALF_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n / 2n;

/** The S value of a DER ECDSA signature. */
function sOf(der: Uint8Array): bigint {
  const b = Buffer.from(der);
  const rLength = b[3];
  const sLength = b[5 + rLength];
  return BigInt(`0x${b.subarray(6 + rLength, 6 + rLength + sLength).toString('hex')}`);
}

describe("the gateway signs users' transactions with node:crypto", () => {
  it('when a message is signed, then the DER signature verifies with the public key and S is in the lower half (Fabric rejects high S)', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { signer, hash } = signerFor(privateKey);
    for (let i = 0; i < 200; i++) {
      const message = crypto.randomBytes(1 + (i % 300));
      const signature = await signer(hash(message));
      expect(
        crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature),
        `signature ${i}`,
      ).to.equal(true);
      expect(sOf(signature) <= P256_HALF_ORDER, `S of signature ${i}`).to.equal(true);
    }
  });

  it('when the key is P-384, then its signatures verify too', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const { signer, hash } = signerFor(privateKey);
    for (let i = 0; i < 50; i++) {
      const message = crypto.randomBytes(64);
      expect(
        crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, await signer(hash(message))),
      ).to.equal(true);
    }
  });
});

describe('signatures made elsewhere, in the form Fabric accepts', () => {
  it("when a signature arrives as WebCrypto's r‖s or as DER with a high S, then it becomes low-S DER that still verifies; garbage is refused", () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const order = P256_HALF_ORDER * 2n + 1n;
    for (let i = 0; i < 50; i++) {
      const message = crypto.randomBytes(40);
      const rs = crypto.sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      // The same signature with S flipped to the other half: both are valid ECDSA, Fabric takes only the low one.
      const s = BigInt(`0x${rs.subarray(32).toString('hex')}`);
      const high = Buffer.concat([
        rs.subarray(0, 32),
        Buffer.from((s > P256_HALF_ORDER ? s : order - s).toString(16).padStart(64, '0'), 'hex'),
      ]);
      for (const given of [rs, high, crypto.sign('sha256', message, { key: privateKey, dsaEncoding: 'der' })]) {
        const der = fabricSignature(given)!;
        expect(crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, der)).to.equal(true);
        expect(sOf(der) <= P256_HALF_ORDER).to.equal(true);
      }
    }
    expect(fabricSignature(Buffer.from('not a signature at all'))).to.equal(undefined);
    expect(fabricSignature(Buffer.alloc(64))).to.equal(undefined); // r = s = 0
  });
});
