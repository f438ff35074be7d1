import crypto from 'node:crypto';
import { CUSTODIES, CUSTODY_ATTRIBUTE, type Custody } from '@luohu/domain';
import type { ConnectionDescription } from '../config';
import { certificateAttributes } from '../shared/certificate-attributes';
import { ROLES, Role } from './models';

/**
 * Who a certificate says its holder is: bureau from the CA that signed it, role / dept / company from its attributes;
 * `custody` says who holds the key (`own`: the holder, enrolled by certificate request; `gateway`: the gateway, for
 * system identities and custodial integrations; null on certificates issued before the attribute existed).
 */
export interface CertifiedIdentity {
  org: string;
  mspId: string;
  role: Role;
  dept: string | null;
  company: string | null;
  enrollmentId: string;
  custody: Custody | null;
}

/** A certificate that no bureau CA issued, or that is not valid now: nobody is signed in with it. */
export class UntrustedCertificateError extends Error {
  override name = 'UntrustedCertificateError';
}

/**
 * Reads a user's identity from their certificate, never from the database's plain fields: a database writer can edit a
 * user row, but not forge a certificate that chains to a bureau's CA. The same facts the chaincode decides from.
 */
export class CertificateIdentities {
  private readonly bureaus: Array<{
    org: string;
    mspId: string;
    ca: crypto.X509Certificate;
    adminEnrollmentId: string;
  }>;

  constructor(description: ConnectionDescription) {
    this.bureaus = description.orgs.map((o) => ({
      org: o.name,
      mspId: o.mspId,
      ca: new crypto.X509Certificate(o.ca.tlsRootCert),
      adminEnrollmentId: o.admin.enrollmentId,
    }));
  }

  /** The identity in `pem`, checked to be signed by a bureau's CA, currently valid, and issued to `username`. */
  read(pem: string, username: string, at = new Date()): CertifiedIdentity {
    const cert = new crypto.X509Certificate(pem);
    const bureau = this.bureaus.find((b) => cert.checkIssued(b.ca) && cert.verify(b.ca.publicKey));
    if (!bureau) throw new UntrustedCertificateError(`the certificate of ${username} is not signed by a bureau's CA`);
    if (at < new Date(cert.validFrom) || at > new Date(cert.validTo))
      throw new UntrustedCertificateError(`the certificate of ${username} is not valid now`);
    const enrollmentId = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? '';
    // The CA enrollment ID is the username, or the username plus a suffix (gateway-operated identities); the bureau admin
    // users sign with the CA's own admin identity. So one user's row cannot carry another user's certificate.
    const issuedTo =
      enrollmentId === username ||
      enrollmentId.startsWith(`${username}.`) ||
      (username === `admin.${bureau.org}` && enrollmentId === bureau.adminEnrollmentId);
    if (!issuedTo) throw new UntrustedCertificateError(`the certificate of ${username} was issued to ${enrollmentId}`);
    const attrs = certificateAttributes(cert.raw);
    const role = attrs.role as Role;
    if (!ROLES.includes(role))
      throw new UntrustedCertificateError(`the certificate of ${username} carries no known role`);
    const custody = (CUSTODIES as readonly string[]).includes(attrs[CUSTODY_ATTRIBUTE])
      ? (attrs[CUSTODY_ATTRIBUTE] as Custody)
      : null;
    return {
      org: bureau.org,
      mspId: bureau.mspId,
      role,
      dept: attrs.dept ?? null,
      company: attrs.company ?? null,
      enrollmentId,
      custody,
    };
  }
}
