/** The public types of the PDF signing library (re-exported by index.ts). */

/** Signature algorithms the PDF signer and verifier handle. */
export type SignatureAlgorithm = 'ECDSA-SHA256' | 'RSA-SHA256';

/** Holds the signing key elsewhere (a key vault): the library hands it bytes to sign and never sees the key. */
export interface PdfSigner {
  certificateChain: string[]; // PEM, the signer's certificate first, then its issuers (bureau CA root)
  algorithm: SignatureAlgorithm;
  /** Raw signature over the DER of the CMS signed attributes (ECDSA: DER-encoded Ecdsa-Sig-Value). */
  sign(signedAttributesDer: Buffer): Promise<Buffer>;
}

/** A visible seal: where it goes on the page and the words it shows. */
export interface SealAppearance {
  page?: number; // 0-based; default: last page
  rect: [x: number, y: number, width: number, height: number];
  organisation: string; // curved along the seal's ring
  caption: string; // under the star
  signerName?: string; // small text line under the seal
  /** The TrueType font file the seal's Chinese is drawn from; by default the system's (../fonts). */
  cjkFont?: string;
}

/** The signature dictionary's entries (reason, location, signer's name, time) and the seal to draw. */
export interface SignOptions {
  reason?: string;
  location?: string;
  name?: string;
  contactInfo?: string;
  appearance?: SealAppearance;
  signingTime?: Date;
}

/** One signature of a PDF as the verifier found it: byte range, digest, signature and certificate. */
export interface PdfSignatureCheck {
  field: string;
  subFilter: string;
  signerSubject: string;
  certificateFingerprint: string; // hex SHA-256 of the signer cert DER
  chain: string[]; // PEM certificates embedded in the CMS
  signingTime: string | null;
  reason: string | null;
  byteRange: [number, number, number, number];
  byteRangeValid: boolean; // the range starts at 0 and leaves out exactly this dictionary's /Contents
  digestValid: boolean; // messageDigest attr == digest of the ByteRange bytes
  signatureValid: boolean; // signature over signed attributes verifies with the signer cert's key
  signingCertificateV2Valid: boolean; // ESS signing-certificate-v2 attr matches the signer cert
  coversDocumentUpTo: number; // end of the byte range
  problems: string[];
}

/** Every signature of a PDF, whether all are valid and whether anything follows the last one. */
export interface PdfVerification {
  signatures: PdfSignatureCheck[];
  allValid: boolean;
  unmodifiedSinceLastSignature: boolean;
  problems: string[];
}
