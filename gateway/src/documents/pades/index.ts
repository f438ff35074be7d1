/**
 * PDF signing and verification for sealed documents: PAdES baseline B-B signatures in incremental updates, a
 * visible red seal, and a verifier for every signature in every revision. The signing key never enters this
 * library: `PdfSigner.sign` is the key vault's.
 */
export type {
  PdfSigner,
  SealAppearance,
  SignOptions,
  PdfSignatureCheck,
  PdfVerification,
  SignatureAlgorithm,
} from './types';
export { completePdfSignature, preparePdfSignature, SealSignatureRejected, signPdf } from './sign';
export type { PreparedPdfSignature } from './sign';
export { verifyPdfSignatures } from './verify';
export { PdfLimitError, verifyPdfOffThread } from './verify-off-thread';
export { cjkSubsetFont } from '../fonts'; // the fonts' own module; re-exported for this library's callers
