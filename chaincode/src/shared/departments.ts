/**
 * Departments belong to bureaus: the table (which bureau a `dept` CA attribute is valid in, what a department does)
 * is the domain package's; here the chaincode checks a caller's certificate against it.
 */
import { departmentOf, DepartmentCode, Duty } from '@luohu/domain';
import { Caller } from './access';
import { refuse } from './refusal';

export {
  belongsTo,
  COMPLAINT_DISPATCH_OFFICE,
  DEPARTMENT_CODES,
  DEPARTMENTS,
  departmentOf,
  departmentsWith,
} from '@luohu/domain';
export type { Department, DepartmentCode, Duty } from '@luohu/domain';

/**
 * The caller's department, valid only if it belongs to the caller's own bureau and carries `duty`; throws an
 * `access denied` refusal otherwise. A certificate with another bureau's department (an Audit "transport" reviewer)
 * never counts.
 */
export function requireDepartment(caller: Caller, duty: Duty): DepartmentCode {
  const dept = departmentOf(caller.dept);
  if (!dept || dept.msp !== caller.mspId) {
    throw refuse(
      'forbidden',
      `access denied: department ${caller.dept ?? '(none)'} is not a department of ${caller.mspId}`,
    );
  }
  if (!dept.duties.includes(duty)) {
    throw refuse('forbidden', `access denied: department ${caller.dept} has no ${duty} duty`);
  }
  return caller.dept as DepartmentCode;
}
