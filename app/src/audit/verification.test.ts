import { describe, expect, it } from 'vitest';
import {
  ledgerStatusLines,
  pdfProblemLines,
  signatureLines,
  verdictLine,
  type VerificationReport,
} from './verification';

const hash = (c: string) => c.repeat(64);
const ledger = (over: Partial<NonNullable<VerificationReport['ledger']>> = {}): VerificationReport['ledger'] => ({
  documentType: 'approval_decision' as never,
  title: '审批决定书',
  projectId: 'P-1',
  record: 'project/P-1',
  version: 2,
  status: 'active' as never,
  supersedes: hash('a'),
  supersededBy: null,
  revokedAt: null,
  revokedReason: null,
  signer: { mspId: 'HousingMSP', name: 'clerk-1', role: 'clerk', sealFingerprint: hash('f') },
  anchoredAt: '2026-12-05T10:00:00.000Z',
  transactionId: hash('1'),
  blockNumber: '42',
  ...over,
});
const signature = (
  over: Partial<NonNullable<VerificationReport['pdf']>['signatures'][number]> = {},
): NonNullable<VerificationReport['pdf']>['signatures'][number] => ({
  field: 'Signature1',
  signer: 'CN=clerk-1',
  certificateFingerprint: hash('f'),
  signingTime: '2026-12-05T10:00:00.000Z',
  reason: null,
  valid: true,
  checks: { byteRange: true, digest: true, signature: true, signingCertificate: true },
  coversBytes: 1000,
  seal: { registered: true, status: 'active', holderMsp: 'HousingMSP', label: '住建局 clerk 签章', validUntil: '2027' },
  ...over,
});
const report = (over: Partial<VerificationReport> = {}): VerificationReport => ({
  sha256: hash('b'),
  anchored: true,
  ledger: ledger(),
  pdf: { signatures: [signature()], allValid: true, unmodifiedSinceLastSignature: true, problems: [] },
  signatureCheck: null,
  verdict: 'valid',
  ...over,
});

describe('a verification report as the auditor reads it', () => {
  it('when the file is anchored, current and validly sealed, then every line reads as success', () => {
    const r = report();
    expect(verdictLine(r)).toEqual({ key: 'verdict.valid', tone: 'success' });
    expect(ledgerStatusLines(r)).toEqual([{ key: 'current', values: { version: '2' }, tone: 'success' }]);
    const [line] = signatureLines(r);
    expect(line).toMatchObject({ signer: 'CN=clerk-1', valid: true, failed: [] });
    expect(line.seal).toEqual({
      key: 'sealActive',
      values: { label: '住建局 clerk 签章', msp: 'HousingMSP' },
      tone: 'success',
    });
    expect(pdfProblemLines(r)).toEqual([]);
  });

  it('when the ledger has no record of the file, then it reads "not anchored" and the verdict is an error', () => {
    const r = report({ anchored: false, ledger: null, pdf: null, verdict: 'not_anchored' });
    expect(verdictLine(r).tone).toBe('error');
    expect(ledgerStatusLines(r)).toEqual([{ key: 'notAnchored', tone: 'error' }]);
    expect(signatureLines(r)).toEqual([]);
    expect(pdfProblemLines(r)).toEqual([]);
  });

  it('when a later version supersedes it, or it was revoked, then each is said, with the successor, when and why', () => {
    expect(ledgerStatusLines(report({ ledger: ledger({ supersededBy: hash('c') }), verdict: 'superseded' }))).toEqual([
      { key: 'superseded', values: { by: hash('c') }, tone: 'warning' },
    ]);
    const revoked = ledgerStatusLines(
      report({
        ledger: ledger({ status: 'revoked' as never, revokedAt: '2026-12-05T11:00:00.000Z', revokedReason: '错签' }),
        verdict: 'revoked',
      }),
    );
    expect(revoked).toEqual([
      { key: 'revoked', values: { at: '2026-12-05T11:00:00.000Z', reason: '错签' }, tone: 'error' },
    ]);
  });

  it('when a signature fails a check or its certificate is not a registered seal, then the failed checks and the seal are named', () => {
    const r = report({
      pdf: {
        signatures: [
          signature({
            valid: false,
            checks: { byteRange: true, digest: false, signature: false, signingCertificate: true },
          }),
          signature({ field: 'Signature2', seal: { registered: false } }),
          signature({
            field: 'Signature3',
            seal: { registered: true, status: 'revoked', holderMsp: 'FinanceMSP', label: 'old', validUntil: '2026' },
          }),
        ],
        allValid: false,
        unmodifiedSinceLastSignature: false,
        problems: ['Signature1: digest mismatch'],
      },
      verdict: 'invalid_signature',
    });
    const lines = signatureLines(r);
    expect(lines.map((l) => l.failed)).toEqual([['digest', 'signature'], [], []]);
    expect(lines.map((l) => [l.seal.key, l.seal.tone])).toEqual([
      ['sealActive', 'success'],
      ['sealUnregistered', 'warning'],
      ['sealRevoked', 'error'],
    ]);
    expect(pdfProblemLines(r)).toEqual([
      { key: 'modifiedAfterSigning', tone: 'error' },
      { key: 'problem', values: { problem: 'Signature1: digest mismatch' }, tone: 'error' },
    ]);
  });

  it('when a PDF carries no signature, then that is said', () => {
    const r = report({
      pdf: { signatures: [], allValid: true, unmodifiedSinceLastSignature: true, problems: [] },
      verdict: 'unverified',
    });
    expect(pdfProblemLines(r)).toEqual([{ key: 'noSignatures', tone: 'warning' }]);
  });
});
