import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import mongoose, { Schema } from 'mongoose';
import { ValidationError } from '../platform/errors';

/**
 * The public half of each seal registered through the gateway, kept off-chain (the ledger holds only its fingerprint),
 * so that the gateway can check a detached signature against the uploaded file before anchoring it; and who holds it,
 * so that seals can be listed by holder.
 */
export interface SealKeyRecord {
  _id: string; // fingerprint
  holder: string; // gateway username
  holderMsp: string;
  holderId: string; // the holder's X.509 identity as the chaincode sees it
  format: 'certificate' | 'publicKey';
  pem: string;
  registeredBy: string;
  registeredAt: Date;
}

export function sealKeyModel(connection: mongoose.Connection): mongoose.Model<SealKeyRecord> {
  return (connection.models.SealKey as mongoose.Model<SealKeyRecord>) ?? connection.model<SealKeyRecord>('SealKey', new Schema<SealKeyRecord>({
    _id: String,
    holder: { type: String, required: true },
    holderMsp: { type: String, required: true },
    holderId: { type: String, required: true },
    format: { type: String, required: true },
    pem: { type: String, required: true },
    registeredBy: { type: String, required: true },
    registeredAt: { type: Date, required: true },
  }, { collection: 'seal_keys', versionKey: false }));
}

export interface SealMaterial { fingerprint: string; format: SealKeyRecord['format']; pem: string; publicKey: crypto.KeyObject; notAfter: string | null }

/**
 * The fingerprint the ledger binds: SHA-256 of the certificate's DER (as PDF signing tools show it), or, for a bare
 * key, SHA-256 of its SubjectPublicKeyInfo DER.
 */
export function sealMaterial(input: { certificate?: string; publicKey?: string }): SealMaterial {
  try {
    if (input.certificate) {
      const cert = new crypto.X509Certificate(input.certificate);
      return { fingerprint: crypto.createHash('sha256').update(cert.raw).digest('hex'), format: 'certificate', pem: cert.toString(), publicKey: cert.publicKey, notAfter: new Date(cert.validTo).toISOString().slice(0, 10) };
    }
    const key = crypto.createPublicKey(input.publicKey!);
    const der = key.export({ type: 'spki', format: 'der' });
    return { fingerprint: crypto.createHash('sha256').update(der).digest('hex'), format: 'publicKey', pem: key.export({ type: 'spki', format: 'pem' }).toString(), publicKey: key, notAfter: null };
  } catch (err) {
    throw new ValidationError(`the seal ${input.certificate ? 'certificate' : 'public key'} is not a valid PEM: ${(err as Error).message}`);
  }
}

export const publicKeyOf = (record: SealKeyRecord): crypto.KeyObject =>
  record.format === 'certificate' ? new crypto.X509Certificate(record.pem).publicKey : crypto.createPublicKey(record.pem);

const KEY_TYPES: Record<string, string[]> = { 'RSA-SHA256': ['rsa', 'rsa-pss'], 'ECDSA-SHA256': ['ec'] };

/**
 * Checks a detached signature over the file's bytes. Returns null when this gateway cannot check the algorithm
 * (SM2-SM3 needs the signer's distinguishing ID, which the anchoring API does not carry): the chaincode still checks
 * the seal's binding.
 */
export async function verifyDetached(key: crypto.KeyObject, algorithm: string, signatureBase64: string, file: Readable): Promise<boolean | null> {
  const types = KEY_TYPES[algorithm];
  if (!types) { file.destroy(); return null; }
  if (!types.includes(key.asymmetricKeyType ?? '')) { file.destroy(); return false; }
  const verifier = crypto.createVerify('sha256');
  for await (const chunk of file) verifier.update(chunk as Buffer);
  return verifier.verify(key, Buffer.from(signatureBase64, 'base64'));
}
