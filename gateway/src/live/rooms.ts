import type { Role } from '@luohu/domain';

/** Which roles see which events live, by event family; auditors see everything. */
const FAMILIES: Record<string, Role[]> = {
  approval: ['clerk', 'reviewer', 'director', 'contractor', 'owner'],
  document: ['clerk', 'reviewer', 'director', 'inspector'],
  contract: ['clerk', 'director', 'inspector', 'finance', 'contractor'],
  payment: ['finance', 'director'],
  monitoring: ['clerk', 'inspector', 'director'],
  complaint: ['clerk', 'director'],
  registry: ['admin', 'clerk'],
  anchor: ['clerk', 'inspector'],
  audit: ['director'],
};

/** The roles that see an event of this type live (by its family, the part before the dot), auditors always. */
export function interestedRoles(type: string): Role[] {
  return [...(FAMILIES[type.split('.')[0]] ?? []), 'auditor'];
}

/** Every signed-in client is in its role's room, for gateway notices that are not ledger events (reconciliation findings). */
export const roleRoom = (role: Role) => `role:${role}`;
