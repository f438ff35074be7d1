import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import { identityModels, UserRecord } from '../identity/models';
import type { Author } from '../operations/author-signed-writes';
import { fabricSignature, verifies } from '../ledger/ecdsa-signature';
import { ForbiddenError, UnauthorizedError } from '../platform/errors';
import { canonicalJson } from '@luohu/domain';
import type { SafetyAlert } from './alert-schema';

/** What a device presents beside its alert: who it is (username and/or certificate) and its signature. */
export interface DeviceClaim {
  deviceId?: string;
  /** The device's certificate: PEM, or base64 of the PEM or of the DER (HTTP headers cannot carry PEM's newlines). */
  certificate?: string;
  /** ECDSA P-256 / SHA-256 over canonicalJson(alert): base64 of the DER signature (as Fabric signs) or of raw r‖s (64 bytes). */
  signature?: string;
}

/**
 * Authenticates an edge device by its signature, not by a session: the signature must verify against the certificate
 * the bureau CA issued for the device's own key (the current one, on file since it enrolled), the user must be
 * active and hold the role `device`, and the alert must name that device. Only then does the gateway prepare the
 * transaction — which the device signs itself: the gateway holds no device key.
 */
export class DeviceAuthenticator {
  private readonly users: mongoose.Model<UserRecord>;

  constructor(connection: mongoose.Connection) {
    this.users = identityModels(connection).User;
  }

  async verify(claim: DeviceClaim, alert: SafetyAlert): Promise<AuthenticatedUser & Author> {
    if (!claim.signature) throw new UnauthorizedError('a device signature is required');
    const presented = claim.certificate ? parseCertificate(claim.certificate) : undefined;
    const username = claim.deviceId ?? (presented ? commonName(presented) : undefined);
    if (!username) throw new UnauthorizedError('the device must name itself (device id) or present its certificate');
    if (presented && commonName(presented) !== username)
      throw new UnauthorizedError('the certificate does not belong to the named device');

    const user = await this.users.findById(username).lean();
    if (!user) throw new UnauthorizedError('unknown device');
    if (!user.certificate) throw new UnauthorizedError(`${username} has not enrolled a key yet`);
    const onFile = new crypto.X509Certificate(user.certificate);
    // A certificate the CA issued earlier (re-enrolled or revoked since) is not the device's current one.
    if (presented && presented.fingerprint256 !== onFile.fingerprint256)
      throw new UnauthorizedError("the certificate is not the device's current certificate");
    if (!verifySignature(onFile, canonicalJson(alert), claim.signature))
      throw new UnauthorizedError('the device signature does not verify');
    if (user.role !== 'device')
      throw new ForbiddenError(`only device identities raise alerts; ${username} is ${user.role}`);
    if (user.status !== 'active') throw new ForbiddenError(`device ${username} is revoked`);
    const now = Date.now();
    if (Date.parse(onFile.validTo) < now || Date.parse(onFile.validFrom) > now)
      throw new UnauthorizedError('the device certificate is not valid now');
    if (alert.deviceId !== username)
      throw new ForbiddenError(`device ${username} cannot report for device ${alert.deviceId}`);
    return {
      _id: user._id,
      username: user._id,
      certificate: user.certificate,
      org: user.org,
      mspId: user.mspId,
      role: user.role,
      dept: user.dept,
      displayName: user.displayName,
      status: user.status,
      custody: 'own',
    };
  }
}

function parseCertificate(text: string): crypto.X509Certificate {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('-----BEGIN')) return new crypto.X509Certificate(trimmed);
    return new crypto.X509Certificate(Buffer.from(trimmed, 'base64'));
  } catch {
    throw new UnauthorizedError('the device certificate cannot be read');
  }
}

/** Fabric CA puts the enrollment ID (the gateway username) in the subject CN. */
function commonName(cert: crypto.X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
}

function verifySignature(cert: crypto.X509Certificate, message: string, signatureBase64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false;
  const der = fabricSignature(Buffer.from(signatureBase64, 'base64'));
  return der !== undefined && verifies(cert.publicKey, Buffer.from(message, 'utf8'), der);
}
