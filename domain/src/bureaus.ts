/** The district's bureaus (one Fabric organisation and MSP each) and the roles their CAs put in certificates. */

export const HOUSING = 'HousingMSP';
export const FINANCE = 'FinanceMSP';
export const AUDIT = 'AuditMSP';
export const BUREAUS = [HOUSING, FINANCE, AUDIT] as const;
/** A bureau's MSP ID. */
export type Msp = (typeof BUREAUS)[number];

/** The CA attribute `role`: what a person or device does. The chaincode decides what each may do (its access rules). */
export const ROLES = [
  'admin',
  'director',
  'clerk',
  'reviewer',
  'inspector',
  'finance',
  'auditor',
  'contractor',
  'owner',
  'device',
  'analyst',
] as const;
/** A certificate's `role` attribute. */
export type Role = (typeof ROLES)[number];

/** Roles that act for a company (the CA attribute `company`), not for a bureau department. */
export const COMPANY_ROLES: readonly Role[] = ['contractor', 'owner'];

/**
 * The CA attribute `custody`: who holds the certificate's private key. `own`: its holder (enrolled by certificate
 * request, the key made on their device); `gateway`: the gateway (system identities, custodial integrations).
 */
export const CUSTODY_ATTRIBUTE = 'custody';
export const CUSTODIES = ['own', 'gateway'] as const;
/** Who holds an identity's private key (the `custody` attribute's value). */
export type Custody = (typeof CUSTODIES)[number];
