import crypto from 'node:crypto';
import { expect } from 'chai';
import { signerFor } from '../src/ledger/signer';

const P256_HALF_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n / 2n;

/** The S value of a DER ECDSA signature. */
function sOf(der: Uint8Array): bigint {
  const b = Buffer.from(der);
  const rLength = b[3];
  const sLength = b[5 + rLength];
  return BigInt(`0x${b.subarray(6 + rLength, 6 + rLength + sLength).toString('hex')}`);
}

describe('the gateway signs users\' transactions with node:crypto', () => {
  it('when a message is signed, then the DER signature verifies with the public key and S is in the lower half (Fabric rejects high S)', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { signer, hash } = signerFor(privateKey);
    for (let i = 0; i < 200; i++) {
      const message = crypto.randomBytes(1 + (i % 300));
      const signature = await signer(hash(message));
      expect(crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature), `signature ${i}`).to.equal(true);
      expect(sOf(signature) <= P256_HALF_ORDER, `S of signature ${i}`).to.equal(true);
    }
  });

  it('when the key is P-384, then its signatures verify too', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const { signer, hash } = signerFor(privateKey);
    for (let i = 0; i < 50; i++) {
      const message = crypto.randomBytes(64);
      expect(crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, await signer(hash(message)))).to.equal(true);
    }
  });
});
