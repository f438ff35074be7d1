import crypto from 'node:crypto';
import { ECDSASigValue } from '@peculiar/asn1-ecc';
import { AsnConvert } from '@peculiar/asn1-schema';

/** Orders of the curves Fabric identities use: a signature's S must not exceed half of it (Fabric rejects high S). */
const CURVES: Record<string, { order: bigint; size: number }> = {
  prime256v1: { order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, size: 32 },
  secp384r1: {
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    size: 48,
  },
};

/** The curve of an EC key, if it is one Fabric identities use; undefined for other keys (RSA, other curves). */
export function curveOf(key: crypto.KeyObject): { order: bigint; size: number } | undefined {
  return key.asymmetricKeyType === 'ec' ? CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
}

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes = (n: bigint, size: number) => Buffer.from(n.toString(16).padStart(size * 2, '0'), 'hex');

/**
 * An ECDSA signature as Fabric accepts it: ASN.1 DER with S in the lower half of the curve order. Takes DER or the
 * raw r‖s that WebCrypto produces; flipping S (s → n − s) keeps the signature valid and needs no key, so whoever
 * relays a signature may normalise it. Undefined when the bytes are neither form.
 */
export function fabricSignature(
  signature: Uint8Array,
  curve: { order: bigint; size: number } = CURVES.prime256v1,
): Uint8Array | undefined {
  let r: bigint;
  let s: bigint;
  if (signature.length === curve.size * 2) {
    r = toBigInt(signature.subarray(0, curve.size));
    s = toBigInt(signature.subarray(curve.size));
  } else {
    try {
      const value = AsnConvert.parse(signature, ECDSASigValue);
      r = toBigInt(new Uint8Array(value.r));
      s = toBigInt(new Uint8Array(value.s));
    } catch {
      return undefined;
    }
  }
  if (r <= 0n || s <= 0n || r >= curve.order || s >= curve.order) return undefined;
  if (s > curve.order / 2n) s = curve.order - s;
  return der(toBytes(r, curve.size), toBytes(s, curve.size));
}

/**
 * ASN.1 DER of SEQUENCE { INTEGER r, INTEGER s }, written directly: both are short enough for one-byte lengths on these
 * curves, and the gateway signs every transaction it holds a key for (a schema serialiser cost more than the signature).
 * Untrusted DER is parsed with @peculiar/asn1-schema above; this only writes what was just computed.
 */
function der(r: Buffer, s: Buffer): Uint8Array {
  const integer = (bytes: Buffer) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const v = bytes[i] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes.subarray(i)]) : bytes.subarray(i);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** ECDSA with SHA-256 over the message, as Fabric's default BCCSP checks it, by this public key. */
export function verifies(publicKey: crypto.KeyObject, message: Uint8Array, derSignature: Uint8Array): boolean {
  if (publicKey.asymmetricKeyType !== 'ec') return false;
  try {
    return crypto.verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, derSignature);
  } catch {
    return false;
  }
}

/** The same, by the public key of a certificate (PEM). */
export function verifiesWith(certificatePem: string, message: Uint8Array, derSignature: Uint8Array): boolean {
  try {
    return verifies(new crypto.X509Certificate(certificatePem).publicKey, message, derSignature);
  } catch {
    return false;
  }
}
