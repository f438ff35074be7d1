/** Record kinds on the ledger: the audit contract reads their history, the read model and evidence name them. */

/** Kinds an auditor may attest (the audit contract's subjects). */
export const SUBJECT_KINDS = [
  'project',
  'document',
  'contract',
  'milestone',
  'payout',
  'paymentAlert',
  'safetyAlert',
  'complaint',
  'batchAnchor',
  'contractor',
] as const;
/** A record kind an auditor may attest. */
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** Every record kind whose ledger history can be read (`audit:recordHistory`). */
export const RECORD_KINDS = [
  ...SUBJECT_KINDS,
  'attestation',
  'sealCertificate',
  'changeOrder',
  'progressReport',
  'incident',
  'riskScore',
  'progressDeviation',
] as const;
/** A kind of ledger record: each has a key form, a history and a read-model collection. */
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * Who signs a sealed document, in order: the clerk seals it (经办盖章), a reviewer signs it (审核), the director issues
 * it (签发). Its status follows the count of signatures; the gateway refuses a signer out of turn.
 */
export const SEALING_ORDER = [
  { slot: 'seal', role: 'clerk', reason: '经办盖章' },
  { slot: 'review', role: 'reviewer', reason: '审核' },
  { slot: 'approval', role: 'director', reason: '签发' },
] as const;
/** A sealed document's status by its number of signatures. */
export const SEALED_DOCUMENT_STATUSES = ['draft', 'sealed', 'reviewed', 'final'] as const;
