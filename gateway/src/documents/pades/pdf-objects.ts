import { PDFContext, PDFDict, PDFName, PDFNumber, PDFObject, PDFObjectParser, PDFRawStream, PDFRef } from 'pdf-lib';
import { InflateBudget, InflationLimitError } from './inflate-budget';

/**
 * Every indirect object in a PDF, read synchronously and without trusting its cross-reference sections (a file
 * under verification may be damaged or tampered with): objects are read in file order, so a later revision's
 * definition replaces an earlier one, and object streams are unpacked where they stand. Signature dictionaries are
 * also kept from every revision, even one a later revision redefined, so that none escapes verification.
 */

interface ParserInternals {
  parseObject(): PDFObject;
  bytes: { offset(): number };
}

const OBJECT_HEADER = /(?<!\d)(\d{1,10})\s+(\d{1,5})\s+obj\b/g;

/** A PDF's objects as pdf-lib parsed them, and its signature dictionaries. */
export interface PdfObjects {
  context: PDFContext;
  signatureDictionaries: Array<{ ref: PDFRef; dict: PDFDict }>;
}

const isSignatureDictionary = (object: PDFObject): object is PDFDict =>
  object instanceof PDFDict && object.has(PDFName.of('ByteRange')) && object.has(PDFName.of('Contents'));

/** Parses every object of a PDF (streams inflated within the budget) to find its signatures. */
export function readObjects(bytes: Uint8Array, budget = new InflateBudget()): PdfObjects {
  const context = PDFContext.create();
  const signatureDictionaries: PdfObjects['signatureDictionaries'] = [];
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  OBJECT_HEADER.lastIndex = 0;
  for (let match = OBJECT_HEADER.exec(text); match; match = OBJECT_HEADER.exec(text)) {
    const start = match.index + match[0].length;
    try {
      const parser = PDFObjectParser.forBytes(bytes.subarray(start), context) as unknown as ParserInternals;
      const object = parser.parseObject();
      const ref = PDFRef.of(Number(match[1]), Number(match[2]));
      context.assign(ref, object);
      if (isSignatureDictionary(object)) signatureDictionaries.push({ ref, dict: object });
      OBJECT_HEADER.lastIndex = start + parser.bytes.offset(); // never look for objects inside stream data
      if (object instanceof PDFRawStream && object.dict.get(PDFName.of('Type')) === PDFName.of('ObjStm'))
        unpackObjectStream(context, object, budget);
    } catch (err) {
      if (err instanceof InflationLimitError) throw err; // a bomb refuses the whole file
      // a damaged object: the ones that matter to a signature are checked byte by byte anyway
    }
  }
  return { context, signatureDictionaries };
}

function unpackObjectStream(context: PDFContext, stream: PDFRawStream, budget: InflateBudget): void {
  const first = stream.dict.get(PDFName.of('First'));
  if (!(first instanceof PDFNumber)) return;
  const data = budget.decode(stream);
  const header = Buffer.from(data.buffer, data.byteOffset, first.asNumber())
    .toString('latin1')
    .trim()
    .split(/\s+/)
    .map(Number);
  for (let i = 0; i + 1 < header.length; i += 2) {
    try {
      const parser = PDFObjectParser.forBytes(
        data.subarray(first.asNumber() + header[i + 1]),
        context,
      ) as unknown as ParserInternals;
      context.assign(PDFRef.of(header[i], 0), parser.parseObject());
    } catch {
      // skip a damaged member
    }
  }
}
