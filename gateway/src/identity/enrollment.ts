import crypto from 'node:crypto';
import { x509 } from '../platform/x509';
import mongoose, { Schema } from 'mongoose';
import { AppError, ConflictError, ValidationError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { CertificateAuthority, Registrar } from './certificate-authority';
import { identityModels } from './models';

/**
 * A one-time enrollment code, as the gateway keeps it: only its hash (a database reader learns no usable code),
 * its holder, when it lapses and when it was used. The bureau's CA holds not the code but a secret derived from it
 * under the gateway's key, enrollable once: the CA refuses a second use even if this record were edited, and a
 * lapsed code is no use at the CA directly either.
 */
interface EnrollmentCodeRecord {
  _id: string; // SHA-256 of the code, hex
  username: string;
  enrollmentId: string;
  mspId: string;
  expiresAt: Date;
  usedAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

/** A one-time enrollment code as its admin is shown it once (only its hash is kept), and until when it may be used. */
export interface IssuedCode {
  code: string;
  expiresAt: Date;
}

/** 20 characters of Crockford's base32 (100 bits), in groups of four: read aloud or typed on a device's console. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/;

const hashOf = (code: string) => crypto.createHash('sha256').update(code.toUpperCase()).digest('hex');

/** Refused enrollments: the code is unknown (401), used (409) or lapsed (410); the request is malformed (400). */
export class EnrollmentCodeError extends AppError {
  constructor(status: 401 | 409 | 410, code: string, message: string) {
    super(status, code, message);
  }
}

/**
 * Enrollment by certificate request: the admin's registration yields a one-time code; the holder makes its own key
 * pair and sends a PKCS#10 request with the code; the bureau's CA signs the holder's public key. The private key
 * never leaves the holder, so the gateway cannot sign as it.
 */
export class Enrollments {
  private readonly Code: mongoose.Model<EnrollmentCodeRecord>;
  private readonly users;

  private readonly secretKey: Buffer;

  constructor(
    connection: mongoose.Connection,
    private readonly ca: CertificateAuthority,
    kek: Buffer,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {
    this.secretKey = Buffer.from(crypto.hkdfSync('sha256', kek, Buffer.alloc(0), 'luohu-enrollment-secret', 32));
    this.Code =
      (connection.models.EnrollmentCode as mongoose.Model<EnrollmentCodeRecord>) ??
      connection.model<EnrollmentCodeRecord>(
        'EnrollmentCode',
        new Schema<EnrollmentCodeRecord>(
          {
            _id: String,
            username: String,
            enrollmentId: String,
            mspId: String,
            expiresAt: Date,
            usedAt: { type: Date, default: null },
            createdBy: String,
            createdAt: Date,
          },
          { collection: 'enrollment_codes', versionKey: false },
        ),
      );
    this.users = identityModels(connection).User;
  }

  /** Registers the identity at the CA with a fresh code as its (single-use) enrollment secret; returns the code once. */
  async issue(
    registrar: Registrar,
    user: { username: string; enrollmentId: string },
    attributes: Record<string, string>,
  ): Promise<IssuedCode> {
    const code = Array.from(crypto.randomBytes(20), (b) => ALPHABET[b & 31])
      .join('')
      .replace(/(.{4})(?!$)/g, '$1-');
    await this.ca.register(registrar, user.enrollmentId, attributes, this.caSecret(user.enrollmentId, code));
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await this.Code.collection.insertOne({
      _id: hashOf(code),
      username: user.username,
      enrollmentId: user.enrollmentId,
      mspId: registrar.mspId,
      expiresAt,
      usedAt: null,
      createdBy: registrar.username,
      createdAt: now,
    } as never);
    return { code, expiresAt };
  }

  /** The unused, unexpired code of this identity, or the refusal (401 unknown, 409 used, 410 lapsed). */
  private async usableCode(input: { username: string; code: string }): Promise<EnrollmentCodeRecord> {
    const code = input.code.trim().toUpperCase();
    const record = CODE.test(code) ? await this.Code.findById(hashOf(code)).lean() : null;
    if (!record || record.username !== input.username)
      throw new EnrollmentCodeError(401, 'enrollment_code_unknown', 'no such enrollment code for this identity');
    if (record.usedAt)
      throw new EnrollmentCodeError(
        409,
        'enrollment_code_used',
        'this enrollment code was used already: ask the bureau admin for a new enrollment code',
      );
    if (record.expiresAt.getTime() <= Date.now())
      throw new EnrollmentCodeError(
        410,
        'enrollment_code_expired',
        `this enrollment code lapsed at ${record.expiresAt.toISOString()}`,
      );
    return record;
  }

  /**
   * The subject the certificate request must name for this code (CN = the enrollment ID at the CA, which is the
   * username, or a fresh one after the admin issued a new code): the code is checked, not spent.
   */
  async subjectOf(input: { username: string; code: string }): Promise<{ commonName: string }> {
    return { commonName: (await this.usableCode(input)).enrollmentId };
  }

  /** Withdraws the identity's codes not used yet (a new code replaces them). */
  async withdraw(username: string): Promise<void> {
    await this.Code.deleteMany({ username, usedAt: null });
  }

  /**
   * Checks the request (well-formed, self-signed by the key it carries, ECDSA P-256, subject CN = the identity), then
   * spends the code and has the CA sign. A CA failure gives the code back (the CA did not count an enrollment).
   */
  async enroll(input: {
    username: string;
    code: string;
    csr: string;
  }): Promise<{ username: string; mspId: string; certificate: string }> {
    const request = await checkedRequest(input.csr);
    const code = input.code.trim().toUpperCase();
    const record = await this.usableCode(input);
    if (request.commonName !== record.enrollmentId)
      throw new ValidationError(`the request's subject must be CN=${record.enrollmentId}`);

    const claimed = await this.Code.updateOne({ _id: record._id, usedAt: null }, { $set: { usedAt: new Date() } });
    if (claimed.modifiedCount !== 1)
      throw new EnrollmentCodeError(409, 'enrollment_code_used', 'this enrollment code was used already');
    let certificate: string;
    try {
      certificate = await this.ca.enrollRequest(
        record.mspId,
        record.enrollmentId,
        this.caSecret(record.enrollmentId, code),
        input.csr,
      );
    } catch (err) {
      await this.Code.updateOne({ _id: record._id }, { $set: { usedAt: null } });
      this.logger.warn({ err, user: record.username }, 'the CA refused an enrollment request');
      throw new AppError(502, 'ca_refused', `the bureau's CA did not sign the request: ${(err as Error).message}`);
    }
    const issued = new crypto.X509Certificate(certificate);
    if (!issued.publicKey.export({ type: 'spki', format: 'der' }).equals(request.spki)) {
      throw new AppError(502, 'ca_mismatch', 'the CA returned a certificate for another key');
    }
    const updated = await this.users.updateOne(
      { _id: record.username, certificate: null },
      { $set: { certificate, enrolledAt: new Date() } },
    );
    if (updated.modifiedCount !== 1) throw new ConflictError(`${record.username} holds a certificate already`);
    this.logger.info({ user: record.username, serial: issued.serialNumber }, 'identity enrolled with its own key');
    return { username: record.username, mspId: record.mspId, certificate };
  }

  private caSecret(enrollmentId: string, code: string): string {
    return crypto.createHmac('sha256', this.secretKey).update(`${enrollmentId}\0${code}`).digest('base64url');
  }
}

/** A PKCS#10 request that proves possession of its ECDSA P-256 key (its own signature verifies). */
async function checkedRequest(pem: string): Promise<{ commonName: string; spki: Buffer }> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(pem);
  } catch {
    throw new ValidationError('csr must be a PEM PKCS#10 certificate request');
  }
  const algorithm = request.publicKey.algorithm as { name: string; namedCurve?: string };
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256')
    throw new ValidationError("the request's key must be ECDSA P-256");
  let verified: boolean;
  try {
    verified = await request.verify();
  } catch {
    verified = false;
  }
  if (!verified)
    throw new AppError(
      400,
      'csr_signature_invalid',
      'the request is not signed by the key it carries (altered after signing?)',
    );
  const commonName = request.subjectName.getField('CN')[0];
  if (!commonName) throw new ValidationError("the request's subject must carry CN=<enrollment ID>");
  return { commonName, spki: Buffer.from(request.publicKey.rawData) };
}
