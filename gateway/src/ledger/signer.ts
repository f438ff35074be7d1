import crypto from 'node:crypto';
import { hash, Hash, Signer, signers } from '@hyperledger/fabric-gateway';
import { curveOf, fabricSignature } from './ecdsa-signature';

/**
 * How the gateway signs for an identity it holds: ECDSA by OpenSSL (node:crypto) over the whole message, instead of
 * fabric-gateway's pure-JavaScript signer over a digest — this costs a fraction of the CPU. S is normalised to the
 * lower half, as Fabric requires. Keys of other kinds keep fabric-gateway's signer.
 */
export function signerFor(privateKey: crypto.KeyObject): { signer: Signer; hash: Hash } {
  const curve = curveOf(privateKey);
  if (!curve) return { signer: signers.newPrivateKeySigner(privateKey), hash: hash.sha256 };
  return {
    hash: hash.none, // the signer hashes (SHA-256, as Fabric's default BCCSP does for every curve)
    signer: async (message) =>
      fabricSignature(crypto.sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }), curve)!,
  };
}
