import { expect } from 'chai';
import { RULES, Rule, isAllowed } from './access';

const writes = Object.entries(RULES as Record<string, Rule>).filter(([, rule]) => rule.write);
const who = (mspId: string, role: string | null) => ({ mspId, id: 'x', role, dept: null, custody: 'own' });
const allows = (action: string, mspId: string, role: string | null) =>
  isAllowed((RULES as Record<string, Rule>)[action], who(mspId, role));

describe('access policy (the RULES table)', () => {
  it('when any approving or accepting transaction is checked, then a contractor is never allowed', () => {
    const approving = writes.filter(([action]) => /approve|accept|review|passPreReview|reject|confirm/i.test(action));
    expect(approving.length).to.be.greaterThan(6);
    for (const [action] of approving) {
      for (const msp of ['HousingMSP', 'FinanceMSP', 'AuditMSP']) {
        expect(allows(action, msp, 'contractor'), `${action} @ ${msp}`).to.equal(false);
      }
    }
  });
  it('when finance signs documents, then it is never allowed', () => {
    for (const msp of ['HousingMSP', 'FinanceMSP', 'AuditMSP']) {
      expect(allows('document.anchorDocument', msp, 'finance')).to.equal(false);
    }
  });
  it('when milestones are accepted, then only inspectors are allowed', () => {
    const roles = [
      'admin',
      'director',
      'clerk',
      'reviewer',
      'inspector',
      'finance',
      'auditor',
      'contractor',
      'owner',
      'device',
      'analyst',
      null,
    ];
    expect(roles.filter((r) => allows('contract.acceptMilestone', 'HousingMSP', r))).to.deep.equal(['inspector']);
  });
  it('when an auditor writes, then only attestations are allowed', () => {
    const allowed = writes
      .filter(([action]) => ['HousingMSP', 'FinanceMSP', 'AuditMSP'].some((m) => allows(action, m, 'auditor')))
      .map(([a]) => a);
    expect(allowed).to.deep.equal(['audit.attest']);
  });
  it('when an auditor reads, then every read is allowed', () => {
    const reads = Object.entries(RULES as Record<string, Rule>)
      .filter(([, rule]) => !rule.write)
      .map(([a]) => a);
    expect(reads.every((a) => allows(a, 'AuditMSP', 'auditor'))).to.equal(true);
  });
  it('when a payout is requested, then only role finance in FinanceMSP is allowed', () => {
    expect(allows('payment.requestPayout', 'FinanceMSP', 'finance')).to.equal(true);
    expect(allows('payment.requestPayout', 'HousingMSP', 'finance')).to.equal(false);
    expect(allows('payment.requestPayout', 'FinanceMSP', 'director')).to.equal(false);
  });
  it('when an identity of an unknown MSP calls anything, then it is refused', () => {
    expect(Object.keys(RULES).filter((a) => allows(a, 'Org9MSP', 'admin'))).to.deep.equal([]);
  });
});
