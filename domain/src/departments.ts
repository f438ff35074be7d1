/**
 * Departments belong to bureaus: the one table that says which bureau (MSP) a `dept` CA attribute is valid in and
 * what a department does. The chaincode checks MSP + role + department from the caller's certificate against it;
 * the gateway's registration refuses a department of another bureau from the same table.
 */
import { AUDIT, FINANCE, HOUSING, Msp } from './bureaus';

/** What a department does in the system. */
export type Duty = 'review' | 'complaints' | 'intake' | 'supervision' | 'audit' | 'finance' | 'settlement';

/** A department: the bureau whose CA may put it in a certificate, its name, and its duties. */
export interface Department {
  msp: Msp;
  name: string;
  duties: readonly Duty[];
}

export const DEPARTMENTS = {
  housing: { msp: HOUSING, name: '住建局', duties: ['review', 'complaints'] },
  transport: { msp: HOUSING, name: '交通', duties: ['review', 'complaints'] },
  water: { msp: HOUSING, name: '水务', duties: ['review'] },
  urban_management: { msp: HOUSING, name: '城管', duties: ['review', 'complaints'] },
  safety_station: { msp: HOUSING, name: '安全监督站', duties: ['complaints'] },
  quality_station: { msp: HOUSING, name: '质量监督站', duties: ['complaints'] },
  labour: { msp: HOUSING, name: '劳动监察', duties: ['complaints'] },
  complaint_intake: { msp: HOUSING, name: '公众投诉受理', duties: ['intake'] },
  complaint_supervision: { msp: HOUSING, name: '超期投诉督办', duties: ['supervision'] },
  finance: { msp: FINANCE, name: '财政局', duties: ['review', 'finance'] },
  // The desk that records the bank's settlements (the gateway's bank-callback identity): it confirms, never instructs.
  settlement: { msp: FINANCE, name: '国库支付结算', duties: ['settlement'] },
  audit: { msp: AUDIT, name: '审计局', duties: ['audit'] },
} as const satisfies Record<string, Department>;

/** A `dept` certificate attribute the system knows. */
export type DepartmentCode = keyof typeof DEPARTMENTS;
export const DEPARTMENT_CODES = Object.keys(DEPARTMENTS) as DepartmentCode[];

/** The department a `dept` attribute names; undefined for none or an unknown code (never an inherited property). */
export function departmentOf(code: string | null | undefined): Department | undefined {
  return code && Object.prototype.hasOwnProperty.call(DEPARTMENTS, code)
    ? (DEPARTMENTS as Record<string, Department>)[code]
    : undefined;
}

/** Whether a department code is one of `msp`'s. */
export function belongsTo(code: string | null | undefined, msp: string): boolean {
  return departmentOf(code)?.msp === msp;
}

/** Departments of one bureau that carry a duty (e.g. the Housing units that handle complaints). */
export function departmentsWith(duty: Duty, msp?: string): DepartmentCode[] {
  return DEPARTMENT_CODES.filter((c) => {
    const d: Department = DEPARTMENTS[c];
    return d.duties.includes(duty) && (msp === undefined || d.msp === msp);
  });
}
