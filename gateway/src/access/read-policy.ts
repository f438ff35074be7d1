import type { Role } from '@luohu/domain';
import type { RecordType } from '../projection/read-model';

/**
 * Who may read what: the one place that decides it, for REST reads, lists, record histories, files and live pushes.
 * Pure: the record comes with the company it belongs to (`_company`, set by the projection from the ledger record,
 * see projection/record-company.ts), the reader with the role and company of their certificate.
 */
export interface Reader {
  _id: string;
  role: Role;
  company?: string | null;
}

/** What a read may be of: a read-model record type, or an uploaded file (readable as the records that name it are). */
export type ReadableKind = RecordType | 'file';

/** Bureau staff: their work crosses domains (Finance reads contracts and milestones to pay, Housing payouts to approve). */
export const STAFF_ROLES: readonly Role[] = [
  'admin',
  'director',
  'clerk',
  'reviewer',
  'inspector',
  'finance',
  'auditor',
  'analyst',
];
/** Roles that act for a company and read only its records. */
export const COMPANY_ROLES: readonly Role[] = ['contractor', 'owner'];
/**
 * What a company reads of its own: its projects and what hangs off them. Not payment alerts (Finance's internal
 * controls), safety alerts, risk scores, complaints, audits or seal certificates.
 */
export const COMPANY_KINDS: readonly RecordType[] = [
  'project',
  'contract',
  'milestone',
  'changeOrder',
  'progressReport',
  'incident',
  'payout',
  'document',
  'contractor',
];

/** all: every record of the kind; company: those of the reader's company; none: nothing (devices, unknown roles). */
export type ReadScope = 'all' | 'company' | 'none';

/** How much of a record type the reader sees; no reader (not signed in) sees nothing. */
export function readScope(user: Reader | undefined, kind: RecordType): ReadScope {
  if (!user) return 'none';
  if (STAFF_ROLES.includes(user.role)) return 'all';
  if (COMPANY_ROLES.includes(user.role) && user.company && COMPANY_KINDS.includes(kind)) return 'company';
  return 'none';
}

/** A read-model record as the policy sees it. */
export interface ReadableRecord {
  kind: RecordType;
  company: string | null | undefined;
}

/**
 * Whether the reader may read this one record: all of its type, or its company's when the record is of that company.
 */
export function mayRead(user: Reader | undefined, record: ReadableRecord): boolean {
  const scope = readScope(user, record.kind);
  return (
    scope === 'all' || (scope === 'company' && typeof record.company === 'string' && record.company === user!.company)
  );
}

/**
 * The policy as a query clause, so that a list pages exactly over what the reader may see: {} for all, the
 * company's records, or undefined when the reader sees none of the kind.
 */
export function readFilter(user: Reader | undefined, kind: RecordType): Record<string, unknown> | undefined {
  const scope = readScope(user, kind);
  if (scope === 'all') return {};
  if (scope === 'company') return { _company: user!.company };
  return undefined;
}

/**
 * An uploaded file: its uploader and staff read it; so does whoever may read a record that names its hash
 * (`namedByReadableRecord`, looked up by the caller only when the first two do not already decide).
 */
export function mayReadFile(
  user: Reader | undefined,
  file: { uploadedBy: string },
  namedByReadableRecord: boolean,
): boolean {
  if (!user) return false;
  return STAFF_ROLES.includes(user.role) || file.uploadedBy === user._id || namedByReadableRecord;
}
