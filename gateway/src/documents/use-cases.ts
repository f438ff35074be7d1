import type mongoose from 'mongoose';
import type { IdentityService } from '../identity/identity-service';
import { fabricIdOf, type Ledger } from '../ledger/ledger';
import { ledgerWrite } from '../operations/ledger-write';
import { ForbiddenError, UnprocessableError, ValidationError } from '../platform/errors';
import type { FileStore } from './file-store';
import { claimSealKey, publicKeyOf, sealKeyFinder, sealMaterial, verifyDetached } from './seal-keys';
import type { PreparedSeal, Sealing } from './sealing';
import { SealSignatureRejected } from './pades';
import { SignatureRejected } from '../ledger/client-signed';

/** A document to anchor: an uploaded file's hash, what it is, and its signer's seal and detached signature over it. */
export interface DocumentAnchoring {
  sha256: string;
  documentType: string;
  projectId: string;
  title: string;
  supersedes?: string;
  sealFingerprint: string;
  signature: string;
  signatureAlgorithm: 'ECDSA-SHA256' | 'RSA-SHA256';
}

/** A seal to bind to a user: the CA-issued certificate they enrolled (neither given), a certificate, or a bare key. */
export interface SealBinding {
  holder: string;
  label: string;
  validUntil?: string;
  certificate?: string;
  publicKey?: string;
}

/** What the registry's use cases read: the seals' keys (database), the users, the ledger. */
export interface RegistryDeps {
  connection: mongoose.Connection;
  ledger: Ledger;
  identities: IdentityService;
}

/** 电子档案 actions: anchoring and revoking signed documents, each one ledger transaction by its actor. */
export function archiveUseCases({ files, connection, ledger, identities }: RegistryDeps & { files: FileStore }) {
  const sealKey = sealKeyFinder(connection, ledger, identities);
  return {
    /**
     * Anchor a signed document. Any signed-in user may ask: who may sign (role @ bureau) and with which seal is the
     * chaincode's rule. The file must be uploaded, and a detached signature by a seal registered here must verify.
     */
    anchorDocument: ledgerWrite<DocumentAnchoring>({
      access: 'user',
      call: async (document) => {
        const file = await files.find(document.sha256);
        if (!file)
          throw new UnprocessableError(
            'file_not_uploaded',
            `upload the file first: no uploaded file has SHA-256 ${document.sha256}`,
          );
        const seal = await sealKey(document.sealFingerprint);
        if (seal) {
          const valid = await verifyDetached(
            publicKeyOf(seal),
            document.signatureAlgorithm,
            document.signature,
            files.open(file),
          );
          if (valid === false) {
            throw new UnprocessableError(
              'signature_invalid',
              `the ${document.signatureAlgorithm} signature does not verify over file ${document.sha256} with seal ${document.sealFingerprint}`,
            );
          }
        }
        return { namespace: 'document', fn: 'anchorDocument', args: [JSON.stringify(document)] };
      },
    }),

    /** Revoke a document, with the reason (its signer, or a director/admin of the signer's bureau); the record stays. */
    revokeDocument: ledgerWrite<{ sha256: string; reason: string }>({
      access: ['clerk', 'reviewer', 'inspector', 'director', 'admin'],
      call: ({ sha256, reason }) => ({ namespace: 'document', fn: 'revokeDocument', args: [sha256, reason] }),
    }),
  };
}

/** 名录 actions (bureau admins): contractors and their qualifications, users' seals. */
export function registryUseCases({ connection, identities }: Omit<RegistryDeps, 'ledger'>) {
  return {
    /** Register a contractor (admin @ Housing). */
    registerContractor: ledgerWrite<{ id: string; name: string; creditCode: string }>({
      access: ['admin'],
      call: (company) => ({ namespace: 'registry', fn: 'registerContractor', args: [JSON.stringify(company)] }),
    }),

    /** Add a qualification (资质): its grade bounds the budgets the contractor may take, its scope the project types. */
    addQualification: ledgerWrite<{
      contractorId: string;
      qualification: { licenceNo: string; grade: string; scope: string[]; expiry: string };
    }>({
      access: ['admin'],
      call: ({ contractorId, qualification }) => ({
        namespace: 'registry',
        fn: 'addQualification',
        args: [contractorId, JSON.stringify(qualification)],
      }),
    }),

    /** Revoke a qualification, with the reason. */
    revokeQualification: ledgerWrite<{ contractorId: string; licenceNo: string; reason: string }>({
      access: ['admin'],
      call: ({ contractorId, licenceNo, reason }) => ({
        namespace: 'registry',
        fn: 'revokeQualification',
        args: [contractorId, licenceNo, reason],
      }),
    }),

    /**
     * Bind a seal to a user of the admin's bureau. The seal key is claimed off-chain first (promoted to seal_keys only
     * once the ledger's seal certificate names the holder); the holder's identity is what the chaincode derives from
     * their certificate (fabricIdOf: computed, not asked as the holder, who may hold their own key).
     */
    registerSealCertificate: ledgerWrite<SealBinding>({
      access: ['admin'],
      call: async (binding, admin) => {
        const enrolled = binding.certificate === undefined && binding.publicKey === undefined;
        const holderIdentity = await identities.identityOf(binding.holder);
        const material = sealMaterial(enrolled ? { certificate: holderIdentity.certificate } : binding);
        const validUntil = binding.validUntil ?? material.notAfter;
        if (!validUntil) throw new ValidationError('validUntil is required for a bare public key');
        if (material.notAfter && validUntil > material.notAfter)
          throw new ValidationError(`validUntil ${validUntil} is after the certificate expires (${material.notAfter})`);
        const holder = await identities.get(binding.holder);
        if (holder.mspId !== admin.mspId)
          throw new ForbiddenError(
            `${binding.holder} belongs to ${holder.mspId}: only its own bureau's admin binds their seal`,
          );
        // The holder's identity as the chaincode derives it from their certificate (no query as them: they may hold their key).
        const me = { mspId: holderIdentity.mspId, id: fabricIdOf(holderIdentity.certificate) };
        await claimSealKey(connection, material.fingerprint, {
          holder: holder._id,
          holderMsp: me.mspId,
          holderId: me.id,
          format: material.format,
          pem: material.pem,
          registeredBy: admin._id,
          registeredAt: new Date(),
        });
        return {
          namespace: 'registry',
          fn: 'registerSealCertificate',
          args: [
            JSON.stringify({
              fingerprint: material.fingerprint,
              holderMsp: me.mspId,
              holderId: me.id,
              label: binding.label,
              validUntil,
            }),
          ],
        };
      },
    }),

    /** Revoke a seal certificate, with the reason (admin of the holder's bureau). */
    revokeSealCertificate: ledgerWrite<{ fingerprint: string; reason: string }>({
      access: ['admin'],
      call: ({ fingerprint, reason }) => ({
        namespace: 'registry',
        fn: 'revokeSealCertificate',
        args: [fingerprint, reason],
      }),
    }),
  };
}

/** An auditor's attestation about a record (the only write an auditor makes). */
export const attest = ledgerWrite<{
  id: string;
  subjectKind: string;
  subjectKey: string[];
  opinion: string;
  reportSha256?: string;
  note: string;
}>({
  access: ['auditor'],
  call: (attestation) => ({ namespace: 'audit', fn: 'attest', args: [JSON.stringify(attestation)] }),
});

/**
 * The next signature on a sealed document: the caller's, at the step their role signs. A caller who holds their key
 * signs the seal's CMS signed attributes first (the author stage), then the transaction that anchors the revision.
 */
export const signSealedDocument = (sealing: Sealing) =>
  ledgerWrite<{ id: string; reason?: string }>({
    access: ['clerk', 'reviewer', 'director'],
    call: ({ id, reason }, actor) => sealing.sign(actor, id, reason),
    authorStage: {
      name: 'seal',
      async prepare({ id, reason }, actor) {
        const next = await sealing.prepareSeal(actor, id, reason);
        return 'call' in next
          ? next
          : { message: Buffer.from(next.seal.prepared.signedAttributes, 'base64'), state: next.seal };
      },
      async complete(state, signature, username) {
        try {
          return await sealing.completeSeal(username, state as PreparedSeal, signature);
        } catch (err) {
          if (err instanceof SealSignatureRejected) throw new SignatureRejected('seal');
          throw err;
        }
      },
    },
  });
