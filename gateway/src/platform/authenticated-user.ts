import type { Custody, Role } from '@luohu/domain';

/**
 * The signed-in caller as every route and use case sees them. Here, below the domains, because the route table
 * authorises by it; identity/ fills it in from the user's certificate (org, MSP, role, department and company are the
 * certificate's, not the database's).
 */
export interface AuthenticatedUser {
  /** The username, unique across bureaus. */
  _id: string;
  org: string;
  mspId: string;
  role: Role;
  dept: string | null;
  /** A contractor's or owner's company (its registry id), fixed at registration as the certificate's `company` attribute. */
  company?: string | null;
  displayName: string;
  status: 'active' | 'revoked';
  /** Who holds their signing key: the gateway signs only for `gateway`; `own` keys sign on the user's device. */
  custody: Custody;
}
