import crypto from 'node:crypto';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFObject, PDFRef, PDFString } from 'pdf-lib';
import { checkCms } from './cms-verify';
import { readObjects } from './pdf-objects';
import { decodeText, fieldName } from './pdf-structure';
import type { PdfSignatureCheck, PdfVerification } from './types';

/**
 * Verifies every signature in a PDF, in every revision: that its ByteRange covers the whole file as it was when
 * signed except its own /Contents, that the covered bytes still hash to the signed message digest, that the
 * signature verifies with the signer's certificate, and the ESS signing-certificate-v2 binding. Also reports
 * whether anything was appended after the last signature. Trust in the signer's certificate (chain to a root,
 * revocation) is the caller's decision: the chain is returned.
 */
export function verifyPdfSignatures(pdf: Uint8Array): PdfVerification {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length);
  if (!bytes.subarray(0, 1024).toString('latin1').includes('%PDF-')) {
    return {
      signatures: [],
      allValid: false,
      unmodifiedSinceLastSignature: false,
      problems: ['the file is not a PDF'],
    };
  }
  const { context, signatureDictionaries } = readObjects(bytes);
  const fieldNames = new Map<PDFObject, string>(); // a signature dictionary's reference (or the direct dictionary) → field
  const candidates: Array<{ ref?: PDFRef; dict: PDFDict }> = [...signatureDictionaries];
  for (const [, object] of context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    const value = object.get(PDFName.of('V'));
    const resolved = value instanceof PDFRef ? context.lookup(value) : value;
    if (!(resolved instanceof PDFDict && resolved.has(PDFName.of('ByteRange')))) continue;
    fieldNames.set(value instanceof PDFRef ? value : resolved, fieldName(object));
    if (!(value instanceof PDFRef)) candidates.push({ dict: resolved }); // held directly in its field
  }
  const problems: string[] = [];
  const isTimestamp = (dict: PDFDict) => dict.get(PDFName.of('Type')) === PDFName.of('DocTimeStamp');
  if (candidates.some(({ dict }) => isTimestamp(dict)))
    problems.push('the PDF has document timestamps (ETSI.RFC3161), which this verifier does not check');
  const seen = new Set<string>();
  const signatures = candidates
    .filter(({ dict }) => !isTimestamp(dict))
    .map(({ ref, dict }) => checkSignature(bytes, dict, fieldNames.get(ref ?? dict) ?? ''))
    .filter((check) => !seen.has(String(check.byteRange)) && !!seen.add(String(check.byteRange))) // a dictionary written again
    .sort((a, b) => a.coversDocumentUpTo - b.coversDocumentUpTo);

  if (signatures.length === 0) problems.push('the PDF has no signatures');
  const lastEnd = signatures[signatures.length - 1]?.coversDocumentUpTo ?? 0;
  const unmodifiedSinceLastSignature = signatures.length > 0 && /^[\s\0]*$/.test(bytes.toString('latin1', lastEnd));
  if (signatures.length > 0 && !unmodifiedSinceLastSignature) {
    problems.push(
      `${bytes.length - lastEnd} bytes were appended after the last signature and are not covered by any signature`,
    );
  }
  for (const signature of signatures)
    problems.push(...signature.problems.map((p) => `${signature.field || 'signature'}: ${p}`));
  const allValid =
    signatures.length > 0 &&
    signatures.every(
      (s) =>
        s.byteRangeValid &&
        s.digestValid &&
        s.signatureValid &&
        (s.subFilter !== 'ETSI.CAdES.detached' || s.signingCertificateV2Valid),
    );
  return { signatures, allValid, unmodifiedSinceLastSignature, problems };
}

function checkSignature(bytes: Buffer, dict: PDFDict, field: string): PdfSignatureCheck {
  const range =
    dict
      .lookupMaybe(PDFName.of('ByteRange'), PDFArray)
      ?.asArray()
      .map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN)) ?? [];
  const byteRange = (range.length === 4 ? range : [0, 0, 0, 0]) as [number, number, number, number];
  const [start, firstLength, secondStart, secondLength] = byteRange;
  const subFilter = (dict.get(PDFName.of('SubFilter')) as PDFName | undefined)?.decodeText() ?? '';
  const check: PdfSignatureCheck = {
    field,
    subFilter,
    signerSubject: '',
    certificateFingerprint: '',
    chain: [],
    signingTime: pdfDate(decodeText(dict.get(PDFName.of('M')))),
    reason: decodeText(dict.get(PDFName.of('Reason'))),
    byteRange,
    byteRangeValid: false,
    digestValid: false,
    signatureValid: false,
    signingCertificateV2Valid: false,
    coversDocumentUpTo: secondStart + secondLength,
    problems: [],
  };
  const contentsObject = dict.get(PDFName.of('Contents'));
  const contents =
    contentsObject instanceof PDFHexString || contentsObject instanceof PDFString
      ? Buffer.from(contentsObject.asBytes())
      : null;

  const inFile =
    range.length === 4 &&
    range.every((n) => Number.isInteger(n) && n >= 0) &&
    start === 0 &&
    firstLength < secondStart &&
    secondStart + secondLength <= bytes.length;
  if (!inFile) {
    check.problems.push(`the ByteRange ${JSON.stringify(range)} does not lie within the file`);
    return check;
  }
  // The gap must be exactly this dictionary's /Contents hex string: nothing else may be left unsigned.
  const gap = bytes.toString('latin1', firstLength, secondStart);
  const gapHex = /^<([0-9A-Fa-f\s]*)>$/.exec(gap)?.[1].replace(/\s/g, '');
  check.byteRangeValid = !!gapHex && !!contents && Buffer.from(gapHex, 'hex').equals(contents);
  if (!check.byteRangeValid) check.problems.push("the ByteRange leaves out more than the signature's /Contents");
  if (
    !/%%EOF[\s\0]*$/.test(
      bytes.toString('latin1', Math.max(0, check.coversDocumentUpTo - 16), check.coversDocumentUpTo),
    )
  ) {
    check.problems.push('the signed range does not end at the end of a revision (%%EOF)');
  }
  if (!contents) {
    check.problems.push('the signature has no /Contents');
    return check;
  }

  try {
    const cms = checkCms(contents, [
      bytes.subarray(start, firstLength),
      bytes.subarray(secondStart, secondStart + secondLength),
    ]);
    check.chain = cms.certificates.map((c) => c.toString());
    if (cms.signer) {
      check.signerSubject = cms.signer.subject.split('\n').join(', ');
      check.certificateFingerprint = crypto.createHash('sha256').update(cms.signer.raw).digest('hex');
    }
    Object.assign(check, {
      digestValid: cms.digestValid,
      signatureValid: cms.signatureValid,
      signingCertificateV2Valid: cms.signingCertificateV2Valid,
    });
    check.signingTime ??= cms.signingTime?.toISOString() ?? null;
    check.problems.push(...cms.problems);
    if (!cms.digestValid)
      check.problems.push('the signed bytes were altered: their digest differs from the signed message digest');
    if (!cms.signatureValid) check.problems.push("the signature does not verify with the signer's certificate");
  } catch (err) {
    check.problems.push(`the signature is not a readable CMS SignedData: ${(err as Error).message}`);
  }
  return check;
}

/** D:YYYYMMDDHHmmSS+HH'mm' → ISO 8601 (UTC), or null. */
function pdfDate(text: string | null): string | null {
  const m = text && /^D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(?:([Zz+-])(\d\d)?'?(\d\d)?'?)?/.exec(text);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const offset = (sign === '+' ? 1 : sign === '-' ? -1 : 0) * (Number(oh) * 60 + Number(om));
  const time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offset * 60_000;
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
