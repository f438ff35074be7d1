import crypto from 'node:crypto';
import forge from 'node-forge';
import type { SignatureAlgorithm } from './types';

/**
 * CMS SignedData (RFC 5652), detached, as PAdES baseline B-B wants it: signed attributes content-type, message-digest
 * and ESS signing-certificate-v2; no signing-time (PAdES carries the time in the signature dictionary's /M). Built
 * with forge.asn1 because forge.pkcs7 cannot sign with ECDSA; the signature itself comes from the caller's key vault.
 */

const { asn1 } = forge;
const { Class, Type } = asn1;
type Node = forge.asn1.Asn1;

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

const bin = (bytes: Buffer | Uint8Array): string => Buffer.from(bytes).toString('binary');
const der = (node: Node): Buffer => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const seq = (...items: Node[]): Node => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
const set = (...items: Node[]): Node => asn1.create(Class.UNIVERSAL, Type.SET, true, items);
const oid = (id: string): Node => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (bytes: Buffer): Node => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bin(bytes));
const integer = (n: number): Node => asn1.create(Class.UNIVERSAL, Type.INTEGER, false, String.fromCharCode(n));
const nul = (): Node => asn1.create(Class.UNIVERSAL, Type.NULL, false, '');
const explicit = (tag: number, ...items: Node[]): Node => asn1.create(Class.CONTEXT_SPECIFIC, tag, true, items);
const attribute = (type: string, value: Node): Node => seq(oid(type), set(value));

/** A certificate parsed just enough to name it in CMS: its ASN.1 re-encodes to exactly its DER. */
export interface CertificateParts {
  der: Buffer;
  node: Node;
  issuer: Node;
  serial: Node;
}

/** A PEM certificate's DER and the issuer and serial a CMS signer identifier names. */
export function certificateParts(pem: string): CertificateParts {
  const certDer = new crypto.X509Certificate(pem).raw;
  const node = asn1.fromDer(bin(certDer), { decodeBitStrings: false } as never);
  if (!der(node).equals(certDer)) throw new Error('the certificate is not in canonical DER');
  const tbs = (node.value as Node[])[0].value as Node[];
  const first = tbs[0].tagClass === Class.CONTEXT_SPECIFIC ? 1 : 0; // [0] version is optional
  return { der: certDer, node, serial: tbs[first], issuer: tbs[first + 2] };
}

/** The signed attributes as the DER SET OF that the signature covers (attributes sorted by their encoding). */
export function signedAttributes(messageDigest: Buffer, signerCertificate: CertificateParts): Buffer {
  const essCertIdV2 = seq(
    // hashAlgorithm omitted: the default is SHA-256
    octets(crypto.createHash('sha256').update(signerCertificate.der).digest()),
    seq(seq(explicit(4, signerCertificate.issuer)), signerCertificate.serial),
  );
  const attributes = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(messageDigest)),
    attribute(OID.signingCertificateV2, seq(seq(essCertIdV2))),
  ]
    .map(der)
    .sort(Buffer.compare);
  const content = Buffer.concat(attributes);
  return Buffer.concat([Buffer.from([0x31]), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Assembles ContentInfo(SignedData) around the signed attributes and the raw signature the key vault returned. */
export function signedData(input: {
  signedAttributesDer: Buffer;
  signature: Buffer;
  algorithm: SignatureAlgorithm;
  chain: CertificateParts[];
}): Buffer {
  const [signer] = input.chain;
  const sha256 = seq(oid(OID.sha256), nul());
  const signatureAlgorithm =
    input.algorithm === 'ECDSA-SHA256' ? seq(oid(OID.ecdsaWithSha256)) : seq(oid(OID.rsaEncryption), nul());
  // The signed attributes go in as [0] IMPLICIT: the same bytes as the signed SET, with the tag changed.
  const signedAttrs = asn1.fromDer(bin(input.signedAttributesDer));
  signedAttrs.tagClass = Class.CONTEXT_SPECIFIC;
  signedAttrs.type = 0;
  if (!der(signedAttrs).subarray(1).equals(input.signedAttributesDer.subarray(1)))
    throw new Error('the signed attributes did not re-encode to the signed bytes');
  const signerInfo = seq(
    integer(1),
    seq(signer.issuer, signer.serial),
    sha256,
    signedAttrs,
    signatureAlgorithm,
    octets(input.signature),
  );
  const content = seq(
    integer(1),
    set(sha256),
    seq(oid(OID.data)), // detached: no eContent
    asn1.create(
      Class.CONTEXT_SPECIFIC,
      0,
      true,
      input.chain.map((cert) => cert.node),
    ),
    set(signerInfo),
  );
  return der(seq(oid(OID.signedData), explicit(0, content)));
}
