import crypto from 'node:crypto';
import { hash, Hash, Signer, signers } from '@hyperledger/fabric-gateway';

/** Orders of the curves Fabric identities use: a signature's S must not exceed half of it (Fabric rejects high S). */
const CURVE_ORDER: Record<string, bigint> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

/**
 * How the gateway signs for a user: ECDSA by OpenSSL (node:crypto) over the whole message, instead of fabric-gateway's
 * pure-JavaScript signer over a digest — the gateway signs every user's transactions, and this costs a fraction of
 * the CPU. S is normalised to the lower half, as Fabric requires. Keys of other kinds keep fabric-gateway's signer.
 */
export function signerFor(privateKey: crypto.KeyObject): { signer: Signer; hash: Hash } {
  const order = CURVE_ORDER[privateKey.asymmetricKeyDetails?.namedCurve ?? ''];
  if (privateKey.asymmetricKeyType !== 'ec' || !order) return { signer: signers.newPrivateKeySigner(privateKey), hash: hash.sha256 };
  const size = privateKey.asymmetricKeyDetails!.namedCurve === 'prime256v1' ? 32 : 48;
  return {
    hash: hash.none, // the signer hashes (SHA-256, as Fabric's default BCCSP does for every curve)
    signer: async (message) => {
      const rs = crypto.sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      let s = BigInt(`0x${rs.subarray(size).toString('hex')}`);
      if (s > order / 2n) s = order - s;
      return der(rs.subarray(0, size), Buffer.from(s.toString(16).padStart(size * 2, '0'), 'hex'));
    },
  };
}

/** ASN.1 DER of SEQUENCE { INTEGER r, INTEGER s } (both short enough for one-byte lengths on these curves). */
function der(r: Buffer, s: Buffer): Uint8Array {
  const integer = (bytes: Buffer) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const v = bytes[i] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes.subarray(i)]) : bytes.subarray(i);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
