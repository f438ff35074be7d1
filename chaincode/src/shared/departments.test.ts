import { expect } from 'chai';
import { DEPARTMENTS, belongsTo, departmentsWith, requireDepartment } from './departments';

const caller = (mspId: string, dept: string | null) => ({ mspId, id: 'x', role: 'reviewer', dept, custody: 'own' });

describe('departments belong to bureaus', () => {
  it('when an Audit-bureau identity claims the transport department, then it is refused', () => {
    expect(() => requireDepartment(caller('AuditMSP', 'transport'), 'review')).to.throw(
      /access denied: department transport is not a department of AuditMSP/,
    );
  });
  it('when a Finance-bureau clerk claims a complaint-handling unit, then it is refused', () => {
    expect(() => requireDepartment(caller('FinanceMSP', 'urban_management'), 'complaints')).to.throw(/access denied/);
  });
  it('when a department lacks the duty, then it is refused even in its own bureau', () => {
    expect(() => requireDepartment(caller('HousingMSP', 'complaint_intake'), 'complaints')).to.throw(
      /no complaints duty/,
    );
  });
  it("when the department is the caller bureau's and has the duty, then it is returned", () => {
    expect(requireDepartment(caller('FinanceMSP', 'finance'), 'review')).to.equal('finance');
    expect(requireDepartment(caller('HousingMSP', 'transport'), 'review')).to.equal('transport');
  });
  it('when no department or an unknown one is claimed, then it is refused', () => {
    expect(() => requireDepartment(caller('HousingMSP', null), 'review')).to.throw(/access denied/);
    expect(() => requireDepartment(caller('HousingMSP', 'toString'), 'review')).to.throw(/access denied/);
  });
  it('when departments are listed by duty and bureau, then each belongs to that bureau', () => {
    for (const code of departmentsWith('review', 'HousingMSP')) expect(belongsTo(code, 'HousingMSP')).to.equal(true);
    expect(departmentsWith('review', 'FinanceMSP')).to.deep.equal(['finance']);
    expect(Object.keys(DEPARTMENTS)).to.include('audit');
  });
});
