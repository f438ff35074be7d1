import crypto from 'node:crypto';
import { PDFArray, PDFContext, PDFDict, PDFName, PDFNumber, PDFObject, PDFRef } from 'pdf-lib';
import { writeSealAppearance } from './appearance';
import { certificateParts, signedAttributes, signedData } from './cms';
import { IncrementalUpdate } from './incremental-writer';
import { fieldName, pdfText, readStructure } from './pdf-structure';
import type { PdfSigner, SignOptions } from './types';

/**
 * Signs a PDF as PAdES baseline B-B (SubFilter ETSI.CAdES.detached) in an incremental update, so that earlier
 * signatures (clerk, then reviewer, then director) stay valid. With `appearance`, the signature shows as a red seal
 * on the page; without, it is invisible.
 */

const BYTE_RANGE_PLACEHOLDER = '0 0000000000 0000000000 0000000000';
const KEY_TYPES = { 'ECDSA-SHA256': 'ec', 'RSA-SHA256': 'rsa' } as const;

/**
 * A PDF prepared for one more signature: the incremental update written with its /Contents left blank, and the CMS
 * signed attributes (over the digest of everything else) that the signer signs. Plain data, so that it can wait for
 * a signer who holds their key on their own device.
 */
export interface PreparedPdfSignature {
  pdf: Buffer;
  contentsAt: number;
  hexLength: number;
  signedAttributes: Buffer;
  certificateChain: string[];
  algorithm: PdfSigner['algorithm'];
}

/** Signs with a signer at hand: prepare, sign the signed attributes, complete. */
export async function signPdf(pdf: Uint8Array, signer: PdfSigner, options: SignOptions = {}): Promise<Uint8Array> {
  const prepared = await preparePdfSignature(pdf, signer, options);
  return completePdfSignature(prepared, await signer.sign(prepared.signedAttributes));
}

/**
 * Embeds the signer's signature over the prepared signed attributes (ECDSA: DER) after checking it with the signer's
 * certificate: a wrong key, or a signature over other bytes, never reaches the document.
 */
export function completePdfSignature(prepared: PreparedPdfSignature, signature: Buffer): Uint8Array {
  const chain = prepared.certificateChain.map(certificateParts);
  const signerKey = new crypto.X509Certificate(chain[0].der).publicKey;
  if (!crypto.verify('sha256', prepared.signedAttributes, signerKey, signature)) {
    throw new SealSignatureRejected();
  }
  const cms = signedData({
    signedAttributesDer: prepared.signedAttributes,
    signature,
    algorithm: prepared.algorithm,
    chain,
  });
  if (cms.length * 2 > prepared.hexLength)
    throw new Error(`the signature (${cms.length} bytes) does not fit the reserved space`);
  const bytes = Buffer.from(prepared.pdf);
  bytes.write(cms.toString('hex'), prepared.contentsAt + 1, 'latin1');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A seal signature that does not verify with the sealer's certificate over the prepared signed attributes. */
export class SealSignatureRejected extends Error {
  constructor() {
    super(
      "the seal signature does not verify with the signer's certificate over the document's signed attributes (wrong key or other bytes)",
    );
  }
}

/** Writes the incremental update for one more signature and the signed attributes to sign (see PreparedPdfSignature). */
export async function preparePdfSignature(
  pdf: Uint8Array,
  signer: Pick<PdfSigner, 'certificateChain' | 'algorithm'>,
  options: SignOptions = {},
): Promise<PreparedPdfSignature> {
  if (!signer.certificateChain.length) throw new Error('the signer has no certificate');
  const chain = signer.certificateChain.map(certificateParts);
  const signerKey = new crypto.X509Certificate(chain[0].der).publicKey;
  if (signerKey.asymmetricKeyType !== KEY_TYPES[signer.algorithm]) {
    throw new Error(
      `the signer's certificate holds a ${signerKey.asymmetricKeyType} key, not one for ${signer.algorithm}`,
    );
  }

  const structure = await readStructure(pdf);
  const { doc } = structure;
  const { context } = doc;
  const pages = doc.getPages();
  const pageIndex = options.appearance ? (options.appearance.page ?? pages.length - 1) : 0;
  const page = pages[pageIndex];
  if (!page) throw new Error(`the PDF has no page ${pageIndex} (it has ${pages.length})`);

  const catalog = context.lookup(structure.root, PDFDict);
  if (certifiedWithoutChanges(context, catalog))
    throw new Error('the document is certified with no changes permitted (DocMDP P=1): it cannot be signed again');

  const update = new IncrementalUpdate(structure);
  const signatureRef = update.allocate();
  const fieldRef = update.allocate();
  const acroFormEntry = catalog.get(PDFName.of('AcroForm'));
  const acroForm =
    acroFormEntry instanceof PDFRef
      ? context.lookupMaybe(acroFormEntry, PDFDict)
      : acroFormEntry instanceof PDFDict
        ? acroFormEntry
        : undefined;
  const fields = acroForm?.lookupMaybe(PDFName.of('Fields'), PDFArray);
  const taken = new Set(
    fields
      ?.asArray()
      .map((f) => context.lookupMaybe(f, PDFDict))
      .filter((f): f is PDFDict => !!f)
      .map(fieldName),
  );
  let suffix = 1;
  while (taken.has(`Signature${suffix}`)) suffix++;

  let widget = `/Rect [0 0 0 0] /F 132`; // invisible: printable and locked, zero size
  if (options.appearance) {
    const [x, y, w, h] = options.appearance.rect;
    const { ref } = writeSealAppearance(update, options.appearance);
    widget = `/Rect [${[x, y, x + w, y + h].map((v) => +v.toFixed(3)).join(' ')}] /F 4 /AP <</N ${ref}>>`;
  }
  update.put(
    fieldRef,
    `<</Type /Annot /Subtype /Widget /FT /Sig /T ${pdfText(`Signature${suffix}`)} /V ${signatureRef} /P ${page.ref} ${widget}>>`,
  );
  update.put(
    page.ref,
    withEntries(context, page.node, { Annots: appended(context, page.node.get(PDFName.of('Annots')), fieldRef) }),
  );
  const newAcroForm = withEntries(context, acroForm ?? PDFDict.withContext(context), {
    Fields: appended(context, acroForm?.get(PDFName.of('Fields')), fieldRef),
    SigFlags: PDFNumber.of(3), // signatures exist; append only
  });
  if (acroFormEntry instanceof PDFRef) update.put(acroFormEntry, newAcroForm);
  else {
    const acroFormRef = update.allocate();
    update.put(acroFormRef, newAcroForm);
    update.put(structure.root, withEntries(context, catalog, { AcroForm: acroFormRef }));
  }

  const hexLength = 2 * (chain.reduce((sum, c) => sum + c.der.length, 0) + 3072); // certs; signature, attributes and structure take < 1 KB
  update.put(signatureRef, signatureDictionary(options, hexLength));
  const { bytes, offsets } = update.finish();

  // Patch the ByteRange in place, digest everything but /Contents, sign, and fill /Contents.
  const dictionaryAt = offsets.get(signatureRef.objectNumber)!;
  const contentsAt = bytes.indexOf('/Contents <', dictionaryAt, 'latin1') + '/Contents '.length;
  const contentsEnd = contentsAt + hexLength + 2;
  const byteRange = [0, contentsAt, contentsEnd, bytes.length - contentsEnd];
  const byteRangeAt = bytes.indexOf(`[${BYTE_RANGE_PLACEHOLDER}]`, dictionaryAt, 'latin1') + 1;
  bytes.write(byteRange.join(' ').padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), byteRangeAt, 'latin1');
  const digest = crypto
    .createHash('sha256')
    .update(bytes.subarray(0, contentsAt))
    .update(bytes.subarray(contentsEnd))
    .digest();

  return {
    pdf: bytes,
    contentsAt,
    hexLength,
    signedAttributes: signedAttributes(digest, chain[0]),
    certificateChain: signer.certificateChain,
    algorithm: signer.algorithm,
  };
}

function signatureDictionary(options: SignOptions, hexLength: number): string {
  const text = (key: string, value: string | undefined) => (value ? ` /${key} ${pdfText(value)}` : '');
  return (
    `<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [${BYTE_RANGE_PLACEHOLDER}]` +
    ` /Contents <${'0'.repeat(hexLength)}> /M (${pdfDate(options.signingTime ?? new Date())})` +
    `${text('Name', options.name)}${text('Reason', options.reason)}${text('Location', options.location)}${text('ContactInfo', options.contactInfo)}` +
    ` /Prop_Build <</App <</Name /LuohuWorksLedger>>>>>>`
  );
}

/** D:YYYYMMDDHHmmSS+00'00' (ISO 32000-1 §7.9.4), in UTC. */
export function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 19).replace(/[-T:]/g, '')}+00'00'`;
}

/** A certification signature (catalog /Perms /DocMDP) that permits no changes at all: another signature would break it. */
function certifiedWithoutChanges(context: PDFContext, catalog: PDFDict): boolean {
  const certification = catalog.lookupMaybe(PDFName.of('Perms'), PDFDict)?.lookupMaybe(PDFName.of('DocMDP'), PDFDict);
  const references = certification?.lookupMaybe(PDFName.of('Reference'), PDFArray)?.asArray() ?? [];
  return references.some((reference) => {
    const params = context.lookupMaybe(reference, PDFDict)?.lookupMaybe(PDFName.of('TransformParams'), PDFDict);
    return params?.lookupMaybe(PDFName.of('P'), PDFNumber)?.asNumber() === 1;
  });
}

/** A copy of `dict` with some entries replaced (the original objects are never changed in place). */
function withEntries(context: PDFContext, dict: PDFDict, entries: Record<string, PDFObject>): PDFDict {
  const copy = PDFDict.withContext(context);
  for (const [key, value] of dict.entries()) copy.set(key, value);
  for (const [key, value] of Object.entries(entries)) copy.set(PDFName.of(key), value);
  return copy;
}

/** A direct array: the existing one (direct or indirect) plus `ref`. */
function appended(context: PDFContext, existing: PDFObject | undefined, ref: PDFRef): PDFArray {
  const array = PDFArray.withContext(context);
  const resolved = existing instanceof PDFRef ? context.lookupMaybe(existing, PDFArray) : existing;
  if (resolved instanceof PDFArray) for (const item of resolved.asArray()) array.push(item);
  array.push(ref);
  return array;
}
