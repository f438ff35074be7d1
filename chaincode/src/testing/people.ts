/** The cast of identities used by the unit tests (attributes as the bureaus' CAs would issue them). */
import { identity } from './fake-ledger';

export const people = {
  housingAdmin: identity('HousingMSP', 'housing-admin', { role: 'admin' }),
  financeAdmin: identity('FinanceMSP', 'finance-admin', { role: 'admin' }),
  housingClerk: identity('HousingMSP', 'clerk-li', { role: 'clerk', dept: 'housing' }),
  safetyClerk: identity('HousingMSP', 'clerk-wang', { role: 'clerk', dept: 'housing-safety' }),
  financeClerk: identity('FinanceMSP', 'clerk-zhao', { role: 'clerk', dept: 'finance' }),
  director: identity('HousingMSP', 'director-chen', { role: 'director', dept: 'housing' }),
  housingReviewer: identity('HousingMSP', 'reviewer-zhou', { role: 'reviewer', dept: 'housing' }),
  transportReviewer: identity('HousingMSP', 'reviewer-sun', { role: 'reviewer', dept: 'transport' }),
  waterReviewer: identity('HousingMSP', 'reviewer-wu', { role: 'reviewer', dept: 'water' }),
  financeReviewer: identity('FinanceMSP', 'reviewer-qian', { role: 'reviewer', dept: 'finance' }),
  inspector: identity('HousingMSP', 'inspector-he', { role: 'inspector', dept: 'quality' }),
  finance: identity('FinanceMSP', 'finance-lin', { role: 'finance', dept: 'finance' }),
  settlement: identity('FinanceMSP', 'bank-callback', { role: 'finance', dept: 'settlement' }),
  housingFinance: identity('HousingMSP', 'finance-imposter', { role: 'finance', dept: 'finance' }),
  auditor: identity('AuditMSP', 'auditor-guo', { role: 'auditor', dept: 'audit' }),
  contractor: identity('HousingMSP', 'contractor-acme', { role: 'contractor', company: 'C001' }),
  owner: identity('HousingMSP', 'owner-unit', { role: 'owner', company: 'O001' }),
  // Insiders with a CA: a reviewer certificate of another bureau's department, a contractor of another company or none.
  auditTransportReviewer: identity('AuditMSP', 'reviewer-fake', { role: 'reviewer', dept: 'transport' }),
  financeTransportClerk: identity('FinanceMSP', 'clerk-fake', { role: 'clerk', dept: 'transport' }),
  rivalContractor: identity('HousingMSP', 'contractor-rival', { role: 'contractor', company: 'C002' }),
  companylessContractor: identity('HousingMSP', 'contractor-nobody', { role: 'contractor' }),
  device: identity('HousingMSP', 'camera-07', { role: 'device' }),
  analyst: identity('HousingMSP', 'risk-model', { role: 'analyst' }),
  noRole: identity('HousingMSP', 'bench-user'),
  outsider: identity('Org9MSP', 'stranger', { role: 'admin' }),
};

export const HEX = (c: string): string => c.repeat(64).slice(0, 64);
