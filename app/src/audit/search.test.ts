import { describe, expect, it } from 'vitest';
import { recordOfKey, searchTarget } from './search';

describe('the auditor’s search', () => {
  it('when a 64-hex string is searched, then it opens the transaction; digits a block; an ID the project', () => {
    expect(searchTarget(` ${'A'.repeat(64)} `)).toBe(`/audit/tx/${'a'.repeat(64)}`);
    expect(searchTarget('42')).toBe('/audit/blocks/42');
    expect(searchTarget('P-DEMO-DONGMEN')).toBe('/projects/P-DEMO-DONGMEN');
    expect(searchTarget('罗湖 工程')).toBeUndefined();
  });
  it('when a record key is searched, then it opens that record’s history (a composite key as one path segment)', () => {
    expect(searchTarget('payout/PO-1')).toBe('/audit/records/payout/PO-1');
    expect(searchTarget(' milestone/HT-1/M1 ')).toBe('/audit/records/milestone/HT-1%2FM1');
    expect(searchTarget('nonsense/PO-1')).toBeUndefined();
  });
  it('when a written key is read, then a record key gives its kind and ID and an index key gives none', () => {
    expect(recordOfKey('payout/PO-1')).toEqual({ kind: 'payout', id: 'PO-1' });
    expect(recordOfKey('milestone/HT-1/M1')).toEqual({ kind: 'milestone', id: 'HT-1/M1' });
    expect(recordOfKey('payout~status/requested/PO-1')).toBeUndefined();
  });
});
