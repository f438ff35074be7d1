import zlib from 'node:zlib';
import { PDFArray, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';

/** Most bytes all of one PDF's streams may inflate to while it is checked (a 20 MB upload of real documents stays far below). */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/** A PDF whose streams would inflate past the budget (a decompression bomb): the whole check is refused, not skipped. */
export class InflationLimitError extends Error {
  constructor(limit: number) {
    super(`the PDF's compressed streams inflate to more than ${limit} bytes`);
  }
}

/**
 * Decodes PDF streams within one budget shared by every stream of a file: FlateDecode through zlib with
 * `maxOutputLength` (it stops as soon as the budget is reached, never inflating the rest), other filters through
 * pdf-lib read only up to the budget. Each intermediate output of a filter chain counts.
 */
export class InflateBudget {
  #remaining: number;
  constructor(readonly limit = MAX_INFLATED_BYTES) {
    this.#remaining = limit;
  }

  decode(stream: PDFRawStream): Uint8Array {
    const filter = stream.dict.lookup(PDFName.of('Filter'));
    const filters =
      filter instanceof PDFName
        ? [filter]
        : filter instanceof PDFArray
          ? filter.asArray().filter((f): f is PDFName => f instanceof PDFName)
          : [];
    let data: Uint8Array = stream.contents;
    for (const name of filters) {
      data = name === PDFName.of('FlateDecode') ? this.inflate(data) : this.other(stream, name, data);
      this.#remaining -= data.length;
    }
    return data;
  }

  private inflate(data: Uint8Array): Uint8Array {
    try {
      // SYNC_FLUSH: a truncated stream gives what it holds, as pdf-lib's own decoder does.
      return zlib.inflateSync(data, {
        maxOutputLength: Math.max(1, this.#remaining),
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new InflationLimitError(this.limit);
      throw err;
    }
  }

  private other(stream: PDFRawStream, name: PDFName, data: Uint8Array): Uint8Array {
    const single = PDFRawStream.of(stream.dict.context.obj({ Filter: name }), data);
    const out = decodePDFRawStream(single).getBytes(this.#remaining + 1) as Uint8Array;
    if (out.length > this.#remaining) throw new InflationLimitError(this.limit);
    return out;
  }
}
