import type { paths } from '../api/schema';

/** What POST /v1/verifications answers of a file. */
export type VerificationReport = paths['/v1/verifications']['post']['responses']['200']['content']['application/json'];
type Signature = NonNullable<VerificationReport['pdf']>['signatures'][number];

/** How a line reads at a glance. */
export type Tone = 'success' | 'warning' | 'error';

/** A line the page shows: a translation key (under audit.verify.) with its values, and its tone. */
export interface Line {
  key: string;
  values?: Record<string, string>;
  tone: Tone;
}

/** One embedded signature as the auditor reads it. */
export interface SignatureLine {
  field: string;
  signer: string;
  signingTime: string | null;
  valid: boolean;
  /** The checks that failed (byteRange, digest, signature, signingCertificate): why it is not valid. */
  failed: string[];
  /** Whether the certificate is a seal registered on the ledger, and its state. */
  seal: Line;
}

const VERDICT_TONE: Record<VerificationReport['verdict'], Tone> = {
  valid: 'success',
  unverified: 'warning',
  superseded: 'warning',
  revoked: 'error',
  not_anchored: 'error',
  invalid_signature: 'error',
  modified_after_signing: 'error',
};

/** The verdict, first and plainest. */
export const verdictLine = (report: VerificationReport): Line => ({
  key: `verdict.${report.verdict}`,
  tone: VERDICT_TONE[report.verdict],
});

/**
 * What the ledger says of the file beyond who anchored it: not anchored at all; superseded by a later version;
 * revoked (when, why); or current.
 */
export function ledgerStatusLines(report: VerificationReport): Line[] {
  const ledger = report.ledger;
  if (!report.anchored || !ledger) return [{ key: 'notAnchored', tone: 'error' }];
  const lines: Line[] = [];
  if (ledger.revokedAt || ledger.status === 'revoked')
    lines.push({
      key: 'revoked',
      values: { at: ledger.revokedAt ?? '—', reason: ledger.revokedReason ?? '—' },
      tone: 'error',
    });
  if (ledger.supersededBy) lines.push({ key: 'superseded', values: { by: ledger.supersededBy }, tone: 'warning' });
  if (lines.length === 0) lines.push({ key: 'current', values: { version: String(ledger.version) }, tone: 'success' });
  return lines;
}

function sealLine(seal: Signature['seal']): Line {
  if (!seal.registered) return { key: 'sealUnregistered', tone: 'warning' };
  return seal.status === 'active'
    ? { key: 'sealActive', values: { label: seal.label, msp: seal.holderMsp }, tone: 'success' }
    : { key: 'sealRevoked', values: { label: seal.label, msp: seal.holderMsp }, tone: 'error' };
}

/** Each embedded signature of a PDF (none when the file is not a PDF or carries no signature). */
export function signatureLines(report: VerificationReport): SignatureLine[] {
  return (report.pdf?.signatures ?? []).map((s) => ({
    field: s.field,
    signer: s.signer,
    signingTime: s.signingTime,
    valid: s.valid,
    failed: Object.entries(s.checks)
      .filter(([, ok]) => !ok)
      .map(([check]) => check),
    seal: sealLine(s.seal),
  }));
}

/** What else the PDF check found: changes after the last signature, and the checker's own problems. */
export function pdfProblemLines(report: VerificationReport): Line[] {
  const pdf = report.pdf;
  if (!pdf) return [];
  const lines: Line[] = [];
  if (pdf.signatures.length === 0) lines.push({ key: 'noSignatures', tone: 'warning' });
  else if (!pdf.unmodifiedSinceLastSignature) lines.push({ key: 'modifiedAfterSigning', tone: 'error' });
  for (const problem of pdf.problems) lines.push({ key: 'problem', values: { problem }, tone: 'error' });
  return lines;
}
