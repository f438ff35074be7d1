/** The public types of the PDF signing library (re-exported by index.ts). */

export type SignatureAlgorithm = 'ECDSA-SHA256' | 'RSA-SHA256';

/** Holds the signing key elsewhere (a key vault): the library hands it bytes to sign and never sees the key. */
export interface PdfSigner {
  certificateChain: string[]; // PEM, the signer's certificate first, then its issuers (bureau CA root)
  algorithm: SignatureAlgorithm;
  /** Raw signature over the DER of the CMS signed attributes (ECDSA: DER-encoded Ecdsa-Sig-Value). */
  sign(signedAttributesDer: Buffer): Promise<Buffer>;
}

export interface SealAppearance {
  page?: number; // 0-based; default: last page
  rect: [x: number, y: number, width: number, height: number];
  organisation: string; // curved along the seal's ring
  caption: string; // under the star
  signerName?: string; // small text line under the seal
  /** The TrueType font file the seal's Chinese is drawn from; by default the system's (../fonts). */
  cjkFont?: string;
}

export interface SignOptions {
  reason?: string;
  location?: string;
  name?: string;
  contactInfo?: string;
  appearance?: SealAppearance;
  signingTime?: Date;
}

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

export interface PdfVerification {
  signatures: PdfSignatureCheck[];
  allValid: boolean;
  unmodifiedSinceLastSignature: boolean;
  problems: string[];
}
