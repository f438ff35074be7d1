import crypto from 'node:crypto';
import type { IdentityService } from './identity-service';

/**
 * Signs bytes with a user's own key: the one their bureau's CA enrolled and the gateway keeps sealed (KeyVault).
 * Callers get signatures and the public certificate, never the key; a revoked user cannot sign (signer() refuses).
 */
export interface ByteSigner {
  username: string;
  mspId: string;
  /** PEM: the user's enrollment certificate, issued by their bureau's CA. */
  certificate: string;
  algorithm: 'ECDSA-SHA256' | 'RSA-SHA256';
  /** ECDSA: the DER-encoded Ecdsa-Sig-Value, as CMS and X.509 carry it. */
  sign(bytes: Buffer): Promise<Buffer>;
}

/** A ByteSigner over the user's own key; refused (by identities.signer) for a revoked user. */
export async function byteSignerOf(identities: IdentityService, username: string): Promise<ByteSigner> {
  const { mspId, certificate, privateKey } = await identities.signer(username);
  const algorithm = privateKey.asymmetricKeyType === 'ec' ? 'ECDSA-SHA256' : 'RSA-SHA256';
  return { username, mspId, certificate, algorithm, sign: async (bytes) => crypto.sign('sha256', bytes, privateKey) };
}
