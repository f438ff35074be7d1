/** Electronic archive (电子档案) model: anchored, signed documents that are superseded or revoked, never deleted. */
import { Context } from 'fabric-contract-api';
import { getRecord } from '../shared/ledger';
import { Input, requireHex64 } from '../shared/validate';
import { Actor } from '../registry/registry';
import { refuse } from '../shared/refusal';

export const DOCUMENT = 'document';
export const DOCUMENT_BY_PROJECT = 'document~project';

export const DOCUMENT_TYPES = [
  'acceptance_report',
  'change_record',
  'approval',
  'approval_decision',
  'payout_voucher',
  'contract',
  'inspection_record',
  'drawing',
  'other',
] as const;
/** What an archived document is; a new version keeps the type of the one it supersedes. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
/**
 * Detached signatures over the file's bytes, or PAdES: the signatures live in the PDF itself (one per signer). Only
 * algorithms the gateway's verifier checks: SM2-SM3 is refused (nothing here verifies it, so it could never be shown valid).
 */
export const SIGNATURE_ALGORITHMS = ['ECDSA-SHA256', 'RSA-SHA256', 'PAdES'] as const;
export const PADES = 'PAdES';
/** Most signatures one PDF carries (seal and counter-signatures). */
export const MAX_SIGNERS = 10;
/** The ledger record a generated document records, as `<kind>/<key parts>` (e.g. project/P001, milestone/C1/M1). */
const RECORD_REF = /^[a-zA-Z]{2,40}(\/[A-Za-z0-9._:-]{1,128}){1,3}$/;

/** A document on the ledger, keyed by its SHA-256: who signed it with which seal, its version chain, and its status. */
export interface ArchivedDocument {
  docType: 'document';
  sha256: string;
  documentType: DocumentType;
  projectId: string;
  title: string;
  version: number;
  supersedes: string | null;
  supersededBy: string | null;
  signer: Actor;
  sealFingerprint: string;
  /** The detached signature (base64); empty for PAdES, whose signatures are in the file. */
  signature: string;
  signatureAlgorithm: (typeof SIGNATURE_ALGORITHMS)[number];
  /** PAdES: the seal fingerprints of the file's signatures in signing order, the caller's last (counter-signers before). */
  signers?: string[];
  /** The ledger record this document records, when it was generated from one. */
  record?: string;
  status: 'active' | 'superseded' | 'revoked';
  anchoredAt: string;
  anchorTxId: string;
  revokedAt?: string;
  revokedBy?: Actor;
  revokedReason?: string;
}

/** What the caller gives when anchoring; the rest (version, signer, status, anchoring) the chaincode fills in. */
export type DocumentInput = Omit<
  ArchivedDocument,
  'docType' | 'version' | 'supersededBy' | 'signer' | 'status' | 'anchoredAt' | 'anchorTxId'
>;

/** A document's JSON argument checked field by field (unknown fields refused). */
export function parseDocument(json: string): DocumentInput {
  const input = Input.parse('document', json);
  const value = {
    sha256: input.hex64('sha256'),
    documentType: input.oneOf('documentType', DOCUMENT_TYPES),
    projectId: input.id('projectId'),
    title: input.text('title', 300),
    supersedes: input.optional('supersedes', (f) => input.hex64(f)) ?? null,
    sealFingerprint: input.hex64('sealFingerprint'),
    signatureAlgorithm: input.oneOf('signatureAlgorithm', SIGNATURE_ALGORITHMS),
  };
  const record = input.optional('record', (f) => input.text(f, 400));
  if (record !== undefined && !RECORD_REF.test(record)) {
    throw refuse('invalid_request', 'document.record must name a ledger record as <kind>/<key>');
  }
  if (value.supersedes === value.sha256) {
    throw refuse('rule_broken', `document ${value.sha256} cannot supersede itself`);
  }
  if (value.signatureAlgorithm === PADES) {
    const signers = input.list('signers', 1, MAX_SIGNERS).map((s, i) => requireHex64(`document.signers[${i}]`, s));
    if (signers[signers.length - 1] !== value.sealFingerprint) {
      throw refuse(
        'invalid_request',
        'document.signers must end with the sealFingerprint of the caller, the last to sign',
      );
    }
    input.done();
    return { ...value, signature: '', signers, ...(record ? { record } : {}) };
  }
  const signature = input.text('signature', 16384);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || signature.length % 4 !== 0) {
    throw refuse('invalid_request', 'document.signature must be the detached signature in base64');
  }
  input.done();
  return { ...value, signature, ...(record ? { record } : {}) };
}

/** The document with this SHA-256, or a not_found refusal. */
export async function loadDocument(ctx: Context, sha256: string): Promise<ArchivedDocument> {
  const doc = await getRecord<ArchivedDocument>(ctx, DOCUMENT, [sha256]);
  if (!doc) {
    throw refuse('not_found', `document ${sha256} does not exist`, { kind: 'document', id: sha256 });
  }
  return doc;
}
