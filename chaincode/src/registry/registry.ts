/** Registry model: contractors with their qualifications, and clerks' seal certificates. */
import { Context } from 'fabric-contract-api';
import { getRecord } from '../shared/ledger';
import { Input } from '../shared/validate';
import { isValidCreditCode } from './credit-code';

import { PROJECT_TYPES, ProjectType } from '@luohu/domain';
import { refuse } from '../shared/refusal';

export { PROJECT_TYPES } from '@luohu/domain';
export type { ProjectType } from '@luohu/domain';

export const GRADES = ['special', 'grade1', 'grade2', 'grade3'] as const;
/** A qualification grade (资质等级): it caps the budget of the projects a contractor may take on. */
export type Grade = (typeof GRADES)[number];

/** Largest project budget (in fen, 1/100 yuan) each qualification grade may undertake. */
export const GRADE_BUDGET_LIMIT: Record<Grade, number> = {
  special: Number.MAX_SAFE_INTEGER,
  grade1: 100_000_000_000, // 10亿元
  grade2: 10_000_000_000, // 1亿元
  grade3: 1_000_000_000, // 1000万元
};

/** Who did something, as every record stores it: MSP, the certificate's ID and role (no personal data). */
export interface Actor {
  mspId: string;
  id: string;
  role: string | null;
}

/** A contractor's licence: its grade, the project types it covers, until when, and whether it was revoked. */
export interface Qualification {
  licenceNo: string;
  grade: Grade;
  scope: ProjectType[];
  expiry: string;
  status: 'valid' | 'revoked';
  addedAt: string;
  revokedAt?: string;
  revokedReason?: string;
}

/** A registered contractor: its registry id, name, credit code and qualifications. */
export interface Contractor {
  docType: 'contractor';
  id: string;
  name: string;
  creditCode: string;
  qualifications: Qualification[];
  registeredBy: Actor;
  registeredAt: string;
  updatedAt: string;
}

/** A certificate registered as an official seal: whose it is, until when, and whether it is still active. */
export interface SealCertificate {
  docType: 'sealCertificate';
  fingerprint: string;
  holderMsp: string;
  holderId: string;
  label: string;
  validUntil: string;
  status: 'active' | 'revoked';
  registeredBy: Actor;
  registeredAt: string;
  revokedAt?: string;
  revokedReason?: string;
}

export const CONTRACTOR = 'contractor';
/** One contractor per 统一社会信用代码: the code's key names the contractor that holds it. */
export const CONTRACTOR_BY_CREDIT_CODE = 'contractor~creditCode';
export const SEAL = 'sealCertificate';
export const SEAL_BY_HOLDER = 'sealCertificate~holder';

/** A contractor's JSON argument; refuses a credit code whose check character is wrong. */
export function parseContractor(json: string): Pick<Contractor, 'id' | 'name' | 'creditCode'> {
  const input = Input.parse('contractor', json);
  const value = {
    id: input.id('id'),
    name: input.text('name', 200),
    creditCode: input.raw('creditCode') as string,
  };
  if (typeof value.creditCode !== 'string' || !isValidCreditCode(value.creditCode)) {
    throw refuse(
      'invalid_request',
      'contractor.creditCode must be an 18-character unified social credit code with a valid check character (GB 32100-2015)',
    );
  }
  input.done();
  return value;
}

/** A qualification's JSON argument; its scope is deduplicated and sorted. */
export function parseQualification(json: string): Pick<Qualification, 'licenceNo' | 'grade' | 'scope' | 'expiry'> {
  const input = Input.parse('qualification', json);
  const scope = input.list('scope', 1, PROJECT_TYPES.length).map((s, i) => {
    if (!(PROJECT_TYPES as readonly unknown[]).includes(s)) {
      throw refuse('invalid_request', `qualification.scope[${i}] must be one of ${PROJECT_TYPES.join(', ')}`);
    }
    return s as ProjectType;
  });
  const value = {
    licenceNo: input.id('licenceNo'),
    grade: input.oneOf('grade', GRADES),
    scope: [...new Set(scope)].sort(),
    expiry: input.day('expiry'),
  };
  input.done();
  return value;
}

/** A seal certificate's JSON argument: its fingerprint, holder, label and validity. */
export function parseSealCertificate(
  json: string,
): Pick<SealCertificate, 'fingerprint' | 'holderMsp' | 'holderId' | 'label' | 'validUntil'> {
  const input = Input.parse('sealCertificate', json);
  const value = {
    fingerprint: input.hex64('fingerprint'),
    holderMsp: input.text('holderMsp', 64),
    holderId: input.text('holderId', 1024),
    label: input.text('label', 200),
    validUntil: input.day('validUntil'),
  };
  input.done();
  return value;
}

/** The contractor with this id, or a not_found refusal. */
export async function loadContractor(ctx: Context, id: string): Promise<Contractor> {
  const contractor = await getRecord<Contractor>(ctx, CONTRACTOR, [id]);
  if (!contractor) {
    throw refuse('not_found', `contractor ${id} does not exist`, { kind: 'contractor', id: id });
  }
  return contractor;
}

/** The seal certificate with this fingerprint, or a not_found refusal. */
export async function loadSealCertificate(ctx: Context, fingerprint: string): Promise<SealCertificate> {
  const seal = await getRecord<SealCertificate>(ctx, SEAL, [fingerprint]);
  if (!seal) {
    throw refuse('not_found', `seal certificate ${fingerprint} does not exist`, {
      kind: 'sealCertificate',
      id: fingerprint,
    });
  }
  return seal;
}

/** The finding of one automatic check, recorded as-is on the project. */
export interface Finding {
  check: string;
  ok: boolean;
  detail: string;
}

/** Does the contractor hold a valid, unexpired qualification whose grade and scope fit this project? */
export function qualificationFindings(
  contractor: Contractor,
  type: ProjectType,
  budget: number,
  today: string,
): Finding[] {
  const valid = contractor.qualifications.filter((q) => q.status === 'valid');
  if (valid.length === 0) {
    return [
      { check: 'qualification.exists', ok: false, detail: `contractor ${contractor.id} holds no valid qualification` },
    ];
  }
  const unexpired = valid.filter((q) => q.expiry >= today);
  if (unexpired.length === 0) {
    return [
      { check: 'qualification.exists', ok: true, detail: valid.map((q) => q.licenceNo).join(',') },
      {
        check: 'qualification.unexpired',
        ok: false,
        detail: `every qualification of contractor ${contractor.id} expired before ${today}`,
      },
    ];
  }
  const fitting = unexpired.filter((q) => q.scope.includes(type) && budget <= GRADE_BUDGET_LIMIT[q.grade]);
  return [
    { check: 'qualification.exists', ok: true, detail: valid.map((q) => q.licenceNo).join(',') },
    {
      check: 'qualification.unexpired',
      ok: true,
      detail: unexpired.map((q) => `${q.licenceNo}<=${q.expiry}`).join(','),
    },
    fitting.length > 0
      ? {
          check: 'qualification.gradeAndScope',
          ok: true,
          detail: fitting.map((q) => `${q.licenceNo}:${q.grade}`).join(','),
        }
      : {
          check: 'qualification.gradeAndScope',
          ok: false,
          detail: `no unexpired qualification covers type ${type} with budget ${budget} fen`,
        },
  ];
}
