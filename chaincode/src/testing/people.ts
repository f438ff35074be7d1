/** The cast of identities used by the unit tests (attributes as the bureaus' CAs would issue them). */
import { Identity, identity } from './fake-ledger';

/** A person, whose key was made on their own device (`custody=own`), as the bureaus' CAs issue people's certificates. */
export const person = (mspId: string, name: string, attrs: Record<string, string>): Identity =>
  identity(mspId, name, { ...attrs, custody: 'own' });
/** An identity whose key the gateway holds (`custody=gateway`): system identities, custodial integrations. */
export const custodial = (mspId: string, name: string, attrs: Record<string, string>): Identity =>
  identity(mspId, name, { ...attrs, custody: 'gateway' });

export const people = {
  housingAdmin: person('HousingMSP', 'housing-admin', { role: 'admin' }),
  financeAdmin: person('FinanceMSP', 'finance-admin', { role: 'admin' }),
  housingClerk: person('HousingMSP', 'clerk-li', { role: 'clerk', dept: 'housing' }),
  safetyClerk: person('HousingMSP', 'clerk-wang', { role: 'clerk', dept: 'housing-safety' }),
  financeClerk: person('FinanceMSP', 'clerk-zhao', { role: 'clerk', dept: 'finance' }),
  director: person('HousingMSP', 'director-chen', { role: 'director', dept: 'housing' }),
  housingReviewer: person('HousingMSP', 'reviewer-zhou', { role: 'reviewer', dept: 'housing' }),
  transportReviewer: person('HousingMSP', 'reviewer-sun', { role: 'reviewer', dept: 'transport' }),
  waterReviewer: person('HousingMSP', 'reviewer-wu', { role: 'reviewer', dept: 'water' }),
  financeReviewer: person('FinanceMSP', 'reviewer-qian', { role: 'reviewer', dept: 'finance' }),
  inspector: person('HousingMSP', 'inspector-he', { role: 'inspector', dept: 'quality' }),
  finance: person('FinanceMSP', 'finance-lin', { role: 'finance', dept: 'finance' }),
  settlement: custodial('FinanceMSP', 'bank-callback', { role: 'finance', dept: 'settlement' }),
  housingFinance: person('HousingMSP', 'finance-imposter', { role: 'finance', dept: 'finance' }),
  auditor: person('AuditMSP', 'auditor-guo', { role: 'auditor', dept: 'audit' }),
  contractor: person('HousingMSP', 'contractor-acme', { role: 'contractor', company: 'C001' }),
  owner: person('HousingMSP', 'owner-unit', { role: 'owner', company: 'O001' }),
  // Insiders with a CA: a reviewer certificate of another bureau's department, a contractor of another company or none.
  auditTransportReviewer: person('AuditMSP', 'reviewer-fake', { role: 'reviewer', dept: 'transport' }),
  financeTransportClerk: person('FinanceMSP', 'clerk-fake', { role: 'clerk', dept: 'transport' }),
  rivalContractor: person('HousingMSP', 'contractor-rival', { role: 'contractor', company: 'C002' }),
  companylessContractor: person('HousingMSP', 'contractor-nobody', { role: 'contractor' }),
  device: custodial('HousingMSP', 'camera-07', { role: 'device' }),
  analyst: custodial('HousingMSP', 'risk-model', { role: 'analyst' }),
  noRole: identity('HousingMSP', 'bench-user'),
  auditAdmin: person('AuditMSP', 'audit-admin', { role: 'admin' }),
  // The same roles with keys the gateway holds (a custodial integration), and one from before custody was recorded.
  custodialDirector: custodial('HousingMSP', 'director-api', { role: 'director', dept: 'housing' }),
  custodialFinance: custodial('FinanceMSP', 'finance-api', { role: 'finance', dept: 'finance' }),
  custodialInspector: custodial('HousingMSP', 'inspector-api', { role: 'inspector', dept: 'quality' }),
  custodialAuditor: custodial('AuditMSP', 'auditor-api', { role: 'auditor', dept: 'audit' }),
  custodialAdmin: custodial('HousingMSP', 'admin-api', { role: 'admin' }),
  unmarkedDirector: identity('HousingMSP', 'director-old', { role: 'director', dept: 'housing' }),
  outsider: identity('Org9MSP', 'stranger', { role: 'admin' }),
};

export const HEX = (c: string): string => c.repeat(64).slice(0, 64);
