import { describe, expect, it } from 'vitest';
import { findingDetails, findingSubject, runningRun, type Finding, type Run } from './findings';

const finding = (over: Partial<Finding>): Finding => ({
  id: 'f1',
  kind: 'changed-field',
  subject: { type: 'record', recordType: 'contractor', key: ['CT-1'] },
  ref: 'contractor/CT-1',
  details: {},
  status: 'open',
  firstSeenAt: '2026-12-05T10:00:00.000Z',
  firstSeenRun: 'run-0001',
  lastSeenAt: '2026-12-05T10:00:00.000Z',
  lastSeenRun: 'run-0001',
  resolvedAt: null,
  resolvedRun: null,
  ...over,
});

describe('a reconciliation finding as the auditor reads it', () => {
  it('when a field changed, then each field is listed with the read model’s and the ledger’s value', () => {
    const f = finding({
      details: {
        fields: [{ path: 'name', readModel: '篡改后的公司名', ledger: '原公司名' }],
        listed: 1,
        truncated: false,
      },
    });
    expect(findingDetails(f)).toEqual([
      { key: 'field', values: { path: 'name', readModel: '篡改后的公司名', ledger: '原公司名' } },
    ]);
  });

  it('when more fields changed than were listed, then it says so; objects and nulls are shown as JSON and a dash', () => {
    const f = finding({
      details: {
        fields: [{ path: 'steps', readModel: [{ a: 1 }], ledger: null }],
        listed: 20,
        truncated: true,
      },
    });
    expect(findingDetails(f)).toEqual([
      { key: 'field', values: { path: 'steps', readModel: '[{"a":1}]', ledger: '—' } },
      { key: 'truncated', values: { listed: '20' } },
    ]);
  });

  it('when a file changed, then the stored and actual digests are shown, and whether the ledger anchors it', () => {
    const f = finding({
      kind: 'changed-file',
      subject: { type: 'file', key: ['a'.repeat(64)] },
      ref: `file/${'a'.repeat(64)}`,
      details: { storedSha256: 'a'.repeat(64), actualSha256: 'b'.repeat(64), anchored: true },
    });
    expect(findingDetails(f)).toEqual([
      { key: 'file', values: { stored: 'a'.repeat(64), actual: 'b'.repeat(64) } },
      { key: 'fileAnchored', values: {} },
    ]);
    expect(findingSubject(f)).toEqual({ label: f.ref });
  });

  it('when an anchor or a record is missing, then its reason is shown and a record links to its history', () => {
    const f = finding({
      kind: 'missing-anchor',
      subject: { type: 'record', recordType: 'milestone', key: ['HT-1', 'M1'] },
      ref: 'milestone/HT-1/M1',
      details: { reason: 'no record under this key on the ledger', readModelTransactionId: 'none' },
    });
    expect(findingDetails(f)).toEqual([
      { key: 'reason', values: { reason: 'no record under this key on the ledger' } },
    ]);
    expect(findingSubject(f)).toEqual({ label: 'milestone/HT-1/M1', to: '/audit/records/milestone/HT-1%2FM1' });
  });

  it('when a run is among the latest, then it is the one going on; none when all ended', () => {
    const run = (id: string, status: Run['status']) => ({ id, status }) as Run;
    expect(runningRun([run('b', 'running'), run('a', 'completed')])?.id).toBe('b');
    expect(runningRun([run('a', 'completed'), run('c', 'failed')])).toBeUndefined();
  });
});
