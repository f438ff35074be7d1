import { belongsTo, COMPANY_ROLES, departmentOf } from '@luohu/domain';
import { ForbiddenError, ValidationError } from '../platform/errors';
import type { Role } from './models';

/**
 * What a registration may carry, per role: staff who act for a department need one of the registering admin's own
 * bureau (the chaincode checks it again from the certificate); contractors and owner units act for their company
 * instead; the rest carry neither (finance officers and auditors may name their bureau's department).
 */
const DEPARTMENT: Record<Role, 'required' | 'optional' | 'none'> = {
  clerk: 'required',
  reviewer: 'required',
  director: 'required',
  inspector: 'required',
  finance: 'optional',
  auditor: 'optional',
  admin: 'none',
  contractor: 'none',
  owner: 'none',
  device: 'none',
  analyst: 'none',
};

/** Refuses a department or company that the role must not have, lacks, or that is not the admin's bureau's. */
export function checkRegistration(
  adminMspId: string,
  input: { role: Role; dept?: string | null; company?: string | null },
): void {
  const rule = DEPARTMENT[input.role];
  if (input.dept) {
    if (rule === 'none') throw new ValidationError(`a ${input.role} has no department: remove dept ${input.dept}`);
    if (!departmentOf(input.dept)) throw new ValidationError(`dept ${input.dept} is not a department`);
    if (!belongsTo(input.dept, adminMspId))
      throw new ForbiddenError(
        `dept ${input.dept} is not a department of ${adminMspId}: an admin registers only its own bureau's departments`,
      );
    if (input.role === 'reviewer' && !departmentOf(input.dept)!.duties.includes('review')) {
      throw new ValidationError(`dept ${input.dept} does not review projects: a reviewer needs a reviewing department`);
    }
  } else if (rule === 'required') {
    throw new ValidationError(`a ${input.role} needs a department of ${adminMspId} (dept)`);
  }
  const needsCompany = COMPANY_ROLES.includes(input.role);
  if (needsCompany && !input.company)
    throw new ValidationError(`a ${input.role} needs its company (company: the registry id of a registered company)`);
  if (!needsCompany && input.company)
    throw new ValidationError(`a ${input.role} acts for no company: remove company ${input.company}`);
}
