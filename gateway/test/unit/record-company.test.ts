import { expect } from 'chai';
import { companyOf } from '../../src/projection/record-company';

/** The company each record belongs to, as the projection stamps it for the read policy (no network). */
describe('record company (no network)', () => {
  const parents: Record<string, string> = { 'contract/HT-1': 'C-A', 'project/P-1': 'C-B' };
  const lookup = async (type: 'contract' | 'project', id: string) => parents[`${type}/${id}`] ?? null;

  it('when a record names its contractor, or is the contractor, then that is its company', async () => {
    expect(await companyOf({ docType: 'project', id: 'P-1', contractorId: 'C-B' }, [], lookup)).to.equal('C-B');
    expect(await companyOf({ docType: 'contract', id: 'HT-1', contractorId: 'C-A' }, [], lookup)).to.equal('C-A');
    expect(await companyOf({ docType: 'contractor', id: 'C-A' }, [], lookup)).to.equal('C-A');
  });

  it("when a record hangs off a contract or a project, then it takes its parent's company, from the same transaction first", async () => {
    for (const docType of ['milestone', 'changeOrder', 'progressReport', 'incident', 'payout', 'paymentAlert']) {
      expect(await companyOf({ docType, id: 'x', contractId: 'HT-1', projectId: 'P-1' }, [], lookup), docType).to.equal(
        'C-A',
      );
    }
    const sameTx = [{ docType: 'contract', id: 'HT-2', contractorId: 'C-NEW' }];
    expect(await companyOf({ docType: 'milestone', id: 'M1', contractId: 'HT-2' }, sameTx, lookup)).to.equal('C-NEW');
    for (const docType of ['document', 'safetyAlert', 'progressDeviation', 'riskScore']) {
      expect(await companyOf({ docType, id: 'x', projectId: 'P-1' }, [], lookup), docType).to.equal('C-B');
    }
  });

  it('when a record belongs to no company, or its parent is unknown, then it has none (only staff read it)', async () => {
    expect(await companyOf({ docType: 'complaint', id: 'x' }, [], lookup)).to.equal(null);
    expect(await companyOf({ docType: 'attestation', id: 'x', subjectKind: 'project' }, [], lookup)).to.equal(null);
    expect(await companyOf({ docType: 'payout', id: 'x', contractId: 'HT-unknown' }, [], lookup)).to.equal(null);
  });
});
