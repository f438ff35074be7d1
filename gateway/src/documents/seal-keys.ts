import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import mongoose, { Schema } from 'mongoose';
import { EVENTS_READER, type IdentityService } from '../identity/identity-service';
import { LedgerError } from '../ledger/errors';
import type { Ledger } from '../ledger/ledger';
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

/** A seal key's fields, as kept in seal_keys and, before the ledger has answered, in seal_key_claims. */
const SEAL_KEY_FIELDS = {
  holderMsp: { type: String, required: true },
  holderId: { type: String, required: true },
  format: { type: String, required: true },
  pem: { type: String, required: true },
  registeredBy: { type: String, required: true },
  registeredAt: { type: Date, required: true },
} as const;

/** The seal keys the gateway checks detached signatures with (the ledger keeps only their fingerprints). */
export function sealKeyModel(connection: mongoose.Connection): mongoose.Model<SealKeyRecord> {
  return (
    (connection.models.SealKey as mongoose.Model<SealKeyRecord>) ??
    connection.model<SealKeyRecord>(
      'SealKey',
      new Schema<SealKeyRecord>(
        {
          _id: String,
          holder: { type: String, required: true },
          ...SEAL_KEY_FIELDS,
        },
        { collection: 'seal_keys', versionKey: false },
      ),
    )
  );
}

/**
 * A registration's seal key as asked for, before the ledger has answered (seal_key_claims, one per fingerprint and
 * holder): promoted into seal_keys only once the ledger's seal certificate names that holder, so that a refused
 * registration never rewrites seal_keys.
 */
export function sealKeyClaimModel(
  connection: mongoose.Connection,
): mongoose.Model<SealKeyRecord & { fingerprint: string }> {
  return (
    (connection.models.SealKeyClaim as mongoose.Model<SealKeyRecord & { fingerprint: string }>) ??
    connection.model<SealKeyRecord & { fingerprint: string }>(
      'SealKeyClaim',
      new Schema(
        {
          _id: String, // fingerprint/holder
          fingerprint: { type: String, required: true, index: true },
          holder: { type: String, required: true, index: true },
          ...SEAL_KEY_FIELDS,
        },
        { collection: 'seal_key_claims', versionKey: false },
      ),
    )
  );
}

/** Records what a registration asks for (seal_key_claims), leaving seal_keys untouched until the ledger accepts it. */
export async function claimSealKey(
  connection: mongoose.Connection,
  fingerprint: string,
  claim: Omit<SealKeyRecord, '_id'>,
): Promise<void> {
  await sealKeyClaimModel(connection).updateOne(
    { _id: `${fingerprint}/${claim.holder}` },
    { $set: { fingerprint, ...claim } },
    { upsert: true },
  );
}

/** The seal's holder as the ledger's seal certificate records it; null when the ledger has no such seal. */
export type LedgerSealHolder = (fingerprint: string) => Promise<{ holderMsp: string; holderId: string } | null>;

/**
 * The seal's public key: from seal_keys, or else promoted there from the claim whose holder the ledger's seal
 * certificate names (a registration the ledger accepted, answered asynchronously or before this rule).
 */
export async function findSealKey(
  connection: mongoose.Connection,
  fingerprint: string,
  ledgerHolder: LedgerSealHolder,
): Promise<SealKeyRecord | null> {
  const keys = sealKeyModel(connection);
  const known = await keys.findById(fingerprint).lean();
  if (known) return known;
  const onLedger = await ledgerHolder(fingerprint);
  return onLedger ? promoteSealKey(connection, fingerprint, onLedger) : null;
}

/** findSealKey, reading the seal certificate from the ledger as the gateway's read-only events identity. */
export function sealKeyFinder(
  connection: mongoose.Connection,
  ledger: Ledger,
  identities: IdentityService,
): (fingerprint: string) => Promise<SealKeyRecord | null> {
  const ledgerHolder: LedgerSealHolder = async (fingerprint) => {
    try {
      return JSON.parse(
        await ledger.evaluate(await identities.signer(EVENTS_READER), 'registry', 'readSealCertificate', [fingerprint]),
      ) as { holderMsp: string; holderId: string };
    } catch (err) {
      if (err instanceof LedgerError && err.status === 404) return null;
      throw err;
    }
  };
  return (fingerprint) => findSealKey(connection, fingerprint, ledgerHolder);
}

/** Moves the claim matching the ledger's holder into seal_keys (no-op without one). */
export async function promoteSealKey(
  connection: mongoose.Connection,
  fingerprint: string,
  onLedger: { holderMsp: string; holderId: string },
): Promise<SealKeyRecord | null> {
  const claim = await sealKeyClaimModel(connection)
    .findOne({ fingerprint, holderMsp: onLedger.holderMsp, holderId: onLedger.holderId })
    .sort({ registeredAt: 1 })
    .lean();
  if (!claim) return null;
  const { _id: _claimId, fingerprint: _fp, ...record } = claim;
  await sealKeyModel(connection).updateOne({ _id: fingerprint }, { $setOnInsert: record }, { upsert: true });
  return sealKeyModel(connection).findById(fingerprint).lean();
}

/** A seal's public material: fingerprint, format, PEM, key and, for a certificate, when it expires. */
export interface SealMaterial {
  fingerprint: string;
  format: SealKeyRecord['format'];
  pem: string;
  publicKey: crypto.KeyObject;
  notAfter: string | null;
}

/**
 * The fingerprint the ledger binds: SHA-256 of the certificate's DER (as PDF signing tools show it), or, for a bare
 * key, SHA-256 of its SubjectPublicKeyInfo DER.
 */
export function sealMaterial(input: { certificate?: string; publicKey?: string }): SealMaterial {
  try {
    if (input.certificate) {
      const cert = new crypto.X509Certificate(input.certificate);
      return {
        fingerprint: crypto.createHash('sha256').update(cert.raw).digest('hex'),
        format: 'certificate',
        pem: cert.toString(),
        publicKey: cert.publicKey,
        notAfter: new Date(cert.validTo).toISOString().slice(0, 10),
      };
    }
    const key = crypto.createPublicKey(input.publicKey!);
    const der = key.export({ type: 'spki', format: 'der' });
    return {
      fingerprint: crypto.createHash('sha256').update(der).digest('hex'),
      format: 'publicKey',
      pem: key.export({ type: 'spki', format: 'pem' }).toString(),
      publicKey: key,
      notAfter: null,
    };
  } catch (err) {
    throw new ValidationError(
      `the seal ${input.certificate ? 'certificate' : 'public key'} is not a valid PEM: ${(err as Error).message}`,
    );
  }
}

/** The public key of a stored seal (a certificate's or a bare key). */
export const publicKeyOf = (record: SealKeyRecord): crypto.KeyObject =>
  record.format === 'certificate'
    ? new crypto.X509Certificate(record.pem).publicKey
    : crypto.createPublicKey(record.pem);

const KEY_TYPES: Record<string, string[]> = { 'RSA-SHA256': ['rsa', 'rsa-pss'], 'ECDSA-SHA256': ['ec'] };

/**
 * Checks a detached signature over the file's bytes. Returns null when this gateway cannot check the algorithm
 * (the chaincode refuses any outside RSA-SHA256 and ECDSA-SHA256 besides PAdES, so this is a guard, not a path).
 */
export async function verifyDetached(
  key: crypto.KeyObject,
  algorithm: string,
  signatureBase64: string,
  file: Readable,
): Promise<boolean | null> {
  const types = KEY_TYPES[algorithm];
  if (!types) {
    file.destroy();
    return null;
  }
  if (!types.includes(key.asymmetricKeyType ?? '')) {
    file.destroy();
    return false;
  }
  const verifier = crypto.createVerify('sha256');
  for await (const chunk of file) verifier.update(chunk as Buffer);
  return verifier.verify(key, Buffer.from(signatureBase64, 'base64'));
}
