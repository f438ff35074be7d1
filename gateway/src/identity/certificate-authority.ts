import FabricCAServices from 'fabric-ca-client';
import { User, Utils } from 'fabric-common';
import type { ConnectionDescription } from '../config';
import { AppError, ConflictError } from '../platform/errors';

/**
 * fabric-ca-client gives up on a CA request after 3 s without a byte (its socket idle timeout, `connection-timeout`):
 * a CA hashing secrets on a busy machine takes longer, and the registration failed although the CA would have done it.
 */
(Utils as unknown as { setConfigSetting(name: string, value: unknown): void }).setConfigSetting(
  'connection-timeout',
  30_000,
); // untyped in fabric-common's d.ts

/** The CA did not answer (timeout, connection refused): nothing to blame the caller for; try again shortly. */
export class CaUnavailable extends AppError {
  constructor(message: string) {
    super(503, 'ca_unavailable', `the bureau's CA did not answer: ${message}`, undefined, { 'Retry-After': '5' });
  }
}

/** A transport failure of the CA client becomes CaUnavailable; the CA's own refusals pass through. */
function unavailable(err: unknown): never {
  const message = (err as Error).message ?? String(err);
  if (/Timeout|ECONNREFUSED|ECONNRESET|socket hang up/i.test(message)) throw new CaUnavailable(message);
  throw err;
}

type Org = ConnectionDescription['orgs'][number];

/** A bureau admin's own Fabric identity, used as the registrar: CA operations are signed by the person doing them. */
export interface Registrar {
  username: string;
  mspId: string;
  certificate: string;
  privateKeyPem: string;
}

/** Register, enroll and revoke with a bureau's fabric-ca-server. */
export class CertificateAuthority {
  private readonly services = new Map<string, FabricCAServices>();

  constructor(readonly description: ConnectionDescription) {}

  org(mspId: string): Org {
    const org = this.description.orgs.find((o) => o.mspId === mspId);
    if (!org) throw new Error(`no bureau with MSP ID ${mspId}`);
    return org;
  }

  private ca(mspId: string): FabricCAServices {
    let ca = this.services.get(mspId);
    if (!ca) {
      const org = this.org(mspId);
      // Without tlsOptions fabric-ca-client silently skips TLS verification: always pass the CA's root.
      ca = new FabricCAServices(org.ca.url, { trustedRoots: [org.ca.tlsRootCert], verify: true }, org.ca.caName);
      this.services.set(mspId, ca);
    }
    return ca;
  }

  private registrarUser(r: Registrar): User {
    return User.createUser(r.username, '', r.mspId, r.certificate, r.privateKeyPem);
  }

  /**
   * Registers an identity whose certificate carries the given attributes, enrollable once (the CA enforces it), with
   * the given secret or one the CA makes; returns the secret.
   */
  async register(
    registrar: Registrar,
    enrollmentId: string,
    attributes: Record<string, string>,
    secret?: string,
  ): Promise<string> {
    const attrs = Object.entries(attributes).map(([name, value]) => ({ name, value, ecert: true }));
    try {
      return await this.ca(registrar.mspId).register(
        {
          enrollmentID: enrollmentId,
          enrollmentSecret: secret,
          role: 'client',
          affiliation: '',
          maxEnrollments: 1,
          attrs,
        },
        this.registrarUser(registrar),
      );
    } catch (err) {
      if (/already registered/i.test((err as Error).message))
        throw new ConflictError(`identity ${enrollmentId} is already registered with ${registrar.mspId}'s CA`);
      return unavailable(err);
    }
  }

  /** Registers an identity and enrolls it with a key the CA client makes here: returns its certificate and key. */
  async registerAndEnroll(
    registrar: Registrar,
    enrollmentId: string,
    attributes: Record<string, string>,
  ): Promise<{ certificate: string; privateKeyPem: string }> {
    const secret = await this.register(registrar, enrollmentId, attributes);
    const enrollment = await this.ca(registrar.mspId)
      .enroll({ enrollmentID: enrollmentId, enrollmentSecret: secret })
      .catch(unavailable);
    return { certificate: enrollment.certificate, privateKeyPem: enrollment.key.toBytes() };
  }

  /** Enrolls with the holder's certificate request: the CA signs the holder's public key; no private key passes here. */
  async enrollRequest(mspId: string, enrollmentId: string, secret: string, csrPem: string): Promise<string> {
    const enrollment = await this.ca(mspId)
      .enroll({ enrollmentID: enrollmentId, enrollmentSecret: secret, csr: csrPem })
      .catch(unavailable);
    return enrollment.certificate;
  }

  /** Revokes every certificate of the identity; a revoked identity cannot enroll again. */
  async revoke(registrar: Registrar, enrollmentId: string, reason: string): Promise<void> {
    await this.ca(registrar.mspId)
      .revoke({ enrollmentID: enrollmentId, reason }, this.registrarUser(registrar))
      .catch(unavailable);
  }

  /** A freshly generated CRL (PEM) listing every certificate the CA has revoked. */
  async crl(registrar: Registrar): Promise<Buffer> {
    const base64Pem: string = await this.ca(registrar.mspId)
      .generateCRL({}, this.registrarUser(registrar))
      .catch(unavailable);
    return Buffer.from(base64Pem, 'base64');
  }
}
