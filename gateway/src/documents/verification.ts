import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { EVENTS_READER, type IdentityService } from '../identity/identity-service';
import { LedgerError } from '../ledger/errors';
import type { Ledger } from '../ledger/ledger';
import { NotFoundError, UnprocessableError } from '../platform/errors';
import { personOf } from './document-facts';
import type { FileStore } from './file-store';
import { PdfLimitError, verifyPdfOffThread, type PdfVerification } from './pades';
import type { RecordAudit } from './record-audit';
import { publicKeyOf, type SealKeyRecord, verifyDetached } from './seal-keys';

interface ArchivedDocument {
  sha256: string;
  documentType: string;
  projectId: string;
  title: string;
  version: number;
  supersedes: string | null;
  supersededBy: string | null;
  signer: { mspId: string; id: string; role: string | null };
  sealFingerprint: string;
  signature?: string;
  signatureAlgorithm: string;
  signers?: string[];
  record?: string;
  status: 'active' | 'superseded' | 'revoked';
  anchoredAt: string;
  anchorTxId: string;
  revokedAt?: string;
  revokedReason?: string;
}
interface SealCertificate {
  fingerprint: string;
  holderMsp: string;
  label: string;
  validUntil: string;
  status: 'active' | 'revoked';
  revokedAt?: string;
}

/** What a file's SHA-256 and, for a PDF, its embedded signatures say, checked against the ledger. */
export interface VerificationReport {
  sha256: string;
  anchored: boolean;
  /** Present when anchored: by whom, when, where on the ledger, and whether a newer version or a revocation followed. */
  ledger: null | {
    documentType: string;
    title: string;
    projectId: string;
    record: string | null;
    version: number;
    status: ArchivedDocument['status'];
    supersedes: string | null;
    supersededBy: string | null;
    revokedAt: string | null;
    revokedReason: string | null;
    signer: { mspId: string; name: string; role: string | null; sealFingerprint: string };
    anchoredAt: string;
    transactionId: string;
    blockNumber: string | null;
  };
  /** Null when the bytes were not given (a hash only, of a file this gateway does not hold) or are not a PDF. */
  pdf: null | {
    signatures: {
      field: string;
      signer: string;
      certificateFingerprint: string;
      signingTime: string | null;
      reason: string | null;
      valid: boolean;
      checks: { byteRange: boolean; digest: boolean; signature: boolean; signingCertificate: boolean };
      coversBytes: number;
      seal:
        | { registered: false }
        | { registered: true; status: SealCertificate['status']; holderMsp: string; label: string; validUntil: string };
    }[];
    allValid: boolean;
    unmodifiedSinceLastSignature: boolean;
    problems: string[];
  };
  /**
   * Whether the anchored document's signature was checked here, and how: PAdES by the PDF's embedded signatures, a
   * detached signature against the file's bytes with the seal's public key. Null when not anchored.
   */
  signatureCheck: null | { algorithm: string; checked: boolean; valid: boolean | null; detail: string };
  /** One line a person can act on. `unverified`: anchored, but nothing here could check its signature. */
  verdict:
    'valid' | 'unverified' | 'superseded' | 'revoked' | 'not_anchored' | 'invalid_signature' | 'modified_after_signing';
}

/** The off-ledger public halves of seals (seal_keys): to check a detached signature at verification. */
export type SealKeyLookup = (fingerprint: string) => Promise<SealKeyRecord | null>;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const isPdf = (bytes: Buffer) => bytes.subarray(0, 1024).includes('%PDF-');

/**
 * Verify-by-upload: anyone (citizens, auditors, other agencies) learns whether a file is the anchored one, and whether
 * each signature in it holds. The ledger is read as the gateway's read-only events identity, so no login is needed.
 */
export class Verification {
  constructor(
    private readonly ledger: Ledger,
    private readonly identities: IdentityService,
    private readonly audit: RecordAudit,
    private readonly files: FileStore,
    private readonly sealKey: SealKeyLookup,
  ) {}

  async ofBytes(bytes: Buffer): Promise<VerificationReport> {
    return this.report(crypto.createHash('sha256').update(bytes).digest('hex'), bytes);
  }

  /** By hash: the ledger's answer, plus the signatures when this gateway holds the file. */
  async ofHash(sha256: string): Promise<VerificationReport> {
    const file = await this.files.find(sha256);
    return this.report(sha256, file ? await readAll(this.files.open(file)) : null);
  }

  private async report(sha256: string, bytes: Buffer | null): Promise<VerificationReport> {
    const reader = await this.identities.signer(EVENTS_READER);
    const { ledger, anchored } = await this.anchoring(sha256);
    let pdf: VerificationReport['pdf'] = null;
    if (bytes && isPdf(bytes)) {
      let check: PdfVerification | null = null;
      try {
        check = await verifyPdfOffThread(bytes); // off the event loop, within inflation, time and memory budgets
      } catch (err) {
        // A decompression bomb (or a file too costly to check) is refused the same way on upload and by hash.
        if (err instanceof PdfLimitError)
          throw new UnprocessableError('pdf_too_complex', `the PDF cannot be verified: ${err.message}`);
        pdf = {
          signatures: [],
          allValid: false,
          unmodifiedSinceLastSignature: false,
          problems: [`the PDF cannot be read: ${(err as Error).message}`],
        };
      }
      if (check) {
        const seals = new Map<string, SealCertificate | null>();
        for (const fp of new Set(check.signatures.map((s) => s.certificateFingerprint)))
          seals.set(fp, await this.seal(reader, fp));
        pdf = {
          signatures: check.signatures.map((s) => {
            const seal = seals.get(s.certificateFingerprint);
            const checks = {
              byteRange: s.byteRangeValid,
              digest: s.digestValid,
              signature: s.signatureValid,
              signingCertificate: s.signingCertificateV2Valid,
            };
            return {
              field: s.field,
              signer: s.signerSubject,
              certificateFingerprint: s.certificateFingerprint,
              signingTime: s.signingTime,
              reason: s.reason,
              valid: Object.values(checks).every(Boolean),
              checks,
              coversBytes: s.coversDocumentUpTo,
              seal: seal
                ? {
                    registered: true as const,
                    status: seal.status,
                    holderMsp: seal.holderMsp,
                    label: seal.label,
                    validUntil: seal.validUntil,
                  }
                : { registered: false as const },
            };
          }),
          allValid: check.allValid,
          unmodifiedSinceLastSignature: check.unmodifiedSinceLastSignature,
          problems: check.problems,
        };
      }
    }
    const signatureCheck = anchored ? await this.checkAnchoredSignature(anchored, bytes, pdf) : null;
    return {
      sha256,
      anchored: ledger !== null,
      ledger,
      pdf,
      signatureCheck,
      verdict: verdictOf(ledger, pdf, signatureCheck),
    };
  }

  private async checkAnchoredSignature(
    doc: ArchivedDocument,
    bytes: Buffer | null,
    pdf: VerificationReport['pdf'],
  ): Promise<NonNullable<VerificationReport['signatureCheck']>> {
    const algorithm = doc.signatureAlgorithm;
    if (algorithm === 'PAdES') {
      if (!pdf || pdf.signatures.length === 0)
        return {
          algorithm,
          checked: false,
          valid: null,
          detail: 'the signed PDF is not held here: its embedded signatures were not checked',
        };
      return {
        algorithm,
        checked: true,
        valid: pdf.allValid,
        detail: `${pdf.signatures.length} embedded signature(s) checked`,
      };
    }
    if (!bytes)
      return {
        algorithm,
        checked: false,
        valid: null,
        detail: 'the file is not held here: the detached signature was not checked',
      };
    const seal = await this.sealKey(doc.sealFingerprint);
    if (!seal)
      return {
        algorithm,
        checked: false,
        valid: null,
        detail: `seal ${doc.sealFingerprint} has no public key here: the detached signature was not checked`,
      };
    const valid = await verifyDetached(publicKeyOf(seal), algorithm, doc.signature ?? '', Readable.from([bytes]));
    if (valid === null)
      return { algorithm, checked: false, valid: null, detail: `${algorithm} signatures are not checked here` };
    return {
      algorithm,
      checked: true,
      valid,
      detail: `the ${algorithm} signature ${valid ? 'verifies' : 'does not verify'} over the file with seal ${doc.sealFingerprint}`,
    };
  }

  private async anchoring(
    sha256: string,
  ): Promise<{ ledger: VerificationReport['ledger']; anchored: ArchivedDocument | null }> {
    let changes;
    try {
      ({ changes } = await this.audit.history(EVENTS_READER, 'document', [sha256]));
    } catch (err) {
      if (err instanceof NotFoundError) return { ledger: null, anchored: null };
      throw err;
    }
    const current = changes[0].value as unknown as ArchivedDocument | null;
    if (!current) return { ledger: null, anchored: null };
    const anchoring = changes.find((c) => c.transactionId === current.anchorTxId);
    return {
      anchored: current,
      ledger: {
        documentType: current.documentType,
        title: current.title,
        projectId: current.projectId,
        record: current.record ?? null,
        version: current.version,
        status: current.status,
        supersedes: current.supersedes,
        supersededBy: current.supersededBy,
        revokedAt: current.revokedAt ?? null,
        revokedReason: current.revokedReason ?? null,
        signer: {
          mspId: current.signer.mspId,
          name: personOf(current.signer),
          role: current.signer.role,
          sealFingerprint: current.sealFingerprint,
        },
        anchoredAt: current.anchoredAt,
        transactionId: current.anchorTxId,
        blockNumber: anchoring?.blockNumber ?? null,
      },
    };
  }

  private async seal(
    reader: Awaited<ReturnType<IdentityService['signer']>>,
    fingerprint: string,
  ): Promise<SealCertificate | null> {
    try {
      return JSON.parse(
        await this.ledger.evaluate(reader, 'registry', 'readSealCertificate', [fingerprint]),
      ) as SealCertificate;
    } catch (err) {
      if (err instanceof LedgerError && err.status === 404) return null;
      throw err;
    }
  }
}

function verdictOf(
  ledger: VerificationReport['ledger'],
  pdf: VerificationReport['pdf'],
  signature: VerificationReport['signatureCheck'],
): VerificationReport['verdict'] {
  if (pdf && pdf.signatures.some((s) => !s.valid)) return 'invalid_signature';
  if (signature?.valid === false) return 'invalid_signature';
  if (pdf && pdf.signatures.length > 0 && !pdf.unmodifiedSinceLastSignature) return 'modified_after_signing';
  if (!ledger) return 'not_anchored';
  if (ledger.status !== 'active') return ledger.status;
  return signature?.checked ? 'valid' : 'unverified'; // never valid on a signature nothing checked
}
