import crypto from 'node:crypto';
import { CUSTODIES, CUSTODY_ATTRIBUTE, type Custody } from '@luohu/domain';
import type { ConnectionDescription } from '../config';
import { CONTEXT, is, octets, oid, readDer, TAG, UNIVERSAL } from '../shared/der';
import { ROLES, Role } from './models';

/** Fabric CA's attribute extension: `{"attrs":{"role":…,"dept":…,"company":…}}`, what the chaincode's `getAttributeValue` reads. */
const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

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

/** The Fabric CA attributes of a DER certificate ({} when it has none). */
export function certificateAttributes(der: Buffer): Record<string, string> {
  const tbs = readDer(der).children[0];
  const extensions = tbs.children.find((c) => is(c, CONTEXT, 3))?.children[0];
  for (const ext of extensions?.children ?? []) {
    if (!is(ext.children[0], UNIVERSAL, TAG.oid) || oid(der, ext.children[0]) !== FABRIC_ATTRS_OID) continue;
    const value = ext.children[ext.children.length - 1];
    if (!is(value, UNIVERSAL, TAG.octetString)) break;
    const parsed = JSON.parse(octets(der, value).toString('utf8')) as { attrs?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(parsed.attrs ?? {}).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
  }
  return {};
}
