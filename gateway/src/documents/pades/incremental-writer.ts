import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { PDFObject, PDFRef } from 'pdf-lib';
import { PdfStructure, serialise } from './pdf-structure';

/**
 * An incremental update (ISO 32000-1 §7.5.6): the original bytes untouched, then the new and changed objects, a
 * cross-reference section of the same kind as the file's last one (table or stream) whose /Prev points back, and
 * a trailer. Earlier signatures cover exactly the earlier bytes, so they stay valid.
 */
export class IncrementalUpdate {
  readonly #objects = new Map<number, Buffer>();
  #next: number;

  constructor(private readonly structure: PdfStructure) {
    this.#next = structure.nextObjectNumber;
  }

  allocate(): PDFRef {
    return PDFRef.of(this.#next++);
  }

  /** Writes (or rewrites, for an existing object) the object `ref` with a body given as PDF syntax. */
  put(ref: PDFRef, body: PDFObject | string | Buffer): void {
    const bytes =
      typeof body === 'string' ? Buffer.from(body, 'latin1') : Buffer.isBuffer(body) ? body : serialise(body);
    this.#objects.set(ref.objectNumber, bytes);
  }

  /** A stream object; `dict` is the body of its dictionary without /Length (and /Filter, when compressed). */
  putStream(ref: PDFRef, dict: string, data: Uint8Array, compress = true): void {
    const payload = compress ? zlib.deflateSync(data) : Buffer.from(data);
    const head = `<<${dict}${compress ? ' /Filter /FlateDecode' : ''} /Length ${payload.length}>>\nstream\n`;
    this.put(ref, Buffer.concat([Buffer.from(head, 'latin1'), payload, Buffer.from('\nendstream', 'latin1')]));
  }

  /** The whole file after the update, with each written object's offset. */
  finish(): { bytes: Buffer; offsets: Map<number, number> } {
    const { bytes: original, previousXref, xrefIsStream, root, info, id } = this.structure;
    const parts: Buffer[] = [Buffer.from(original.buffer, original.byteOffset, original.length)];
    let length = original.length;
    const push = (part: Buffer) => {
      parts.push(part);
      length += part.length;
    };
    const last = original[original.length - 1];
    if (last !== 0x0a && last !== 0x0d) push(Buffer.from('\n'));

    const offsets = new Map<number, number>();
    for (const [number, body] of [...this.#objects].sort(([a], [b]) => a - b)) {
      offsets.set(number, length);
      push(Buffer.concat([Buffer.from(`${number} 0 obj\n`), body, Buffer.from('\nendobj\n')]));
    }

    const firstId = id ? serialise(id.get(0)).toString('latin1') : `<${crypto.randomBytes(16).toString('hex')}>`;
    const trailer = [
      `/Root ${root.toString()}`,
      info ? `/Info ${serialise(info).toString('latin1')}` : '',
      `/ID [${firstId} <${crypto.randomBytes(16).toString('hex')}>]`,
      `/Prev ${previousXref}`,
    ]
      .filter(Boolean)
      .join(' ');
    const xrefOffset = length;
    if (xrefIsStream) {
      const xrefRef = this.allocate();
      offsets.set(xrefRef.objectNumber, xrefOffset);
      const numbers = [...offsets.keys()].sort((a, b) => a - b);
      const rows = Buffer.alloc(numbers.length * 7);
      numbers.forEach((n, i) => {
        rows.writeUInt8(1, i * 7);
        rows.writeUInt32BE(offsets.get(n)!, i * 7 + 1);
        rows.writeUInt16BE(0, i * 7 + 5);
      });
      const dict = `/Type /XRef /Size ${this.#next} /W [1 4 2] /Index [${runs(numbers)
        .map(([s, c]) => `${s} ${c}`)
        .join(' ')}] ${trailer}`;
      push(Buffer.from(`${xrefRef.objectNumber} 0 obj\n<<${dict} /Length ${rows.length}>>\nstream\n`, 'latin1'));
      push(rows);
      push(Buffer.from('\nendstream\nendobj\n'));
    } else {
      const numbers = [...offsets.keys()].sort((a, b) => a - b);
      let table = 'xref\n';
      for (const [start, count] of runs(numbers)) {
        table += `${start} ${count}\n`;
        for (let n = start; n < start + count; n++) table += `${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`;
      }
      push(Buffer.from(`${table}trailer\n<</Size ${this.#next} ${trailer}>>\n`, 'latin1'));
    }
    push(Buffer.from(`startxref\n${xrefOffset}\n%%EOF\n`));
    return { bytes: Buffer.concat(parts, length), offsets };
  }
}

/** Consecutive object numbers grouped as [first, count] subsections. */
function runs(sorted: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}
