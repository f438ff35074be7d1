import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFObject, PDFRef, PDFString } from 'pdf-lib';

/**
 * What an incremental update needs to know about the file it extends: its objects (read through pdf-lib, which
 * follows every revision, object streams and xref streams), where its last cross-reference section is and of which
 * kind, and its trailer.
 */
export interface PdfStructure {
  bytes: Uint8Array;
  doc: PDFDocument;
  previousXref: number; // the last startxref
  xrefIsStream: boolean; // so the update's xref section is of the same kind
  nextObjectNumber: number;
  root: PDFRef;
  info: PDFObject | undefined;
  id: PDFArray | undefined;
}

const latin1 = (bytes: Uint8Array, start: number, end: number): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');

/** Reads a PDF's trailer, root and pages with pdf-lib, for an incremental update on top of it. */
export async function readStructure(bytes: Uint8Array): Promise<PdfStructure> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  const { trailerInfo } = doc.context;
  if (trailerInfo.Encrypt) throw new Error('encrypted PDFs cannot be signed here');
  if (!(trailerInfo.Root instanceof PDFRef)) throw new Error('the PDF has no document catalog');
  const previousXref = lastStartXref(bytes);
  const head = latin1(bytes, previousXref, Math.min(bytes.length, previousXref + 4096));
  const xrefIsStream = !/^\s*xref/.test(head);
  const declaredSize = Number(
    /\/Size\s+(\d+)/.exec(xrefIsStream ? head : latin1(bytes, previousXref, bytes.length))?.[1] ?? 0,
  );
  return {
    bytes,
    doc,
    previousXref,
    xrefIsStream,
    nextObjectNumber: Math.max(declaredSize, doc.context.largestObjectNumber + 1),
    root: trailerInfo.Root,
    info: trailerInfo.Info,
    id: trailerInfo.ID instanceof PDFArray ? trailerInfo.ID : undefined,
  };
}

/** The offset of the last cross-reference section (the last startxref), where an update chains to. */
export function lastStartXref(bytes: Uint8Array): number {
  const tail = latin1(bytes, Math.max(0, bytes.length - 2048), bytes.length);
  const last = [...tail.matchAll(/startxref\s+(\d+)/g)].pop(); // a small last revision leaves earlier ones in the tail
  if (!last) throw new Error('the PDF has no startxref: not a complete PDF file');
  const offset = Number(last[1]);
  if (offset <= 0 || offset >= bytes.length) throw new Error("the PDF's startxref points outside the file");
  return offset;
}

/** Serialises a pdf-lib object (strings keep their raw bytes: write as latin1, never as UTF-8). */
export function serialise(object: PDFObject): Buffer {
  const buffer = Buffer.alloc(object.sizeInBytes());
  object.copyBytesInto(buffer, 0);
  return buffer;
}

/** A text string as PDF wants it for any language: UTF-16BE with a byte-order mark, in hex. */
export function pdfText(text: string): string {
  return PDFHexString.fromText(text).toString();
}

/** A PDF text string (literal or hex, PDFDocEncoding or UTF-16BE) as a JavaScript string. */
export function decodeText(object: PDFObject | undefined): string | null {
  return object instanceof PDFString || object instanceof PDFHexString ? object.decodeText() : null;
}

/** The fully qualified name of a form field (parents' /T joined by dots). */
export function fieldName(field: PDFDict): string {
  const parts: string[] = [];
  for (let node: PDFDict | undefined = field, depth = 0; node && depth < 32; depth++) {
    const title = decodeText(node.get(PDFName.of('T')));
    if (title !== null) parts.unshift(title);
    node = node.lookupMaybe(PDFName.of('Parent'), PDFDict);
  }
  return parts.join('.');
}
