import { StandardFontEmbedder, StandardFonts } from 'pdf-lib';
import { DEFAULT_CJK_FONT_PATH, loadFont, subsetFontName, type LoadedFont } from '../fonts';
import type { IncrementalUpdate } from './incremental-writer';

/**
 * Text for the seal: Chinese from a subset of the CJK font, embedded as a Type0/CIDFontType2 font with Identity-H
 * encoding (codes are the subset's glyph ids, so a seal costs a few KB instead of the 4 MB font); characters the
 * CJK font lacks (Droid Sans Fallback has no Latin letters or digits) from the standard Helvetica.
 */

const helvetica = StandardFontEmbedder.for(
  StandardFonts.Helvetica as unknown as Parameters<typeof StandardFontEmbedder.for>[0],
);

type Run = { cjk: boolean; text: string };

/** The fonts a visible seal draws with (the CJK font for its ring and caption), loaded once. */
export class SealFonts {
  readonly #font: LoadedFont;
  readonly #glyphs = new Map<number, string>(); // original glyph id → the character it shows
  #usesHelvetica = false;

  constructor(path?: string) {
    this.#font = loadFont(path ?? DEFAULT_CJK_FONT_PATH);
  }

  #glyphId(char: string): number {
    return this.#font.cmap.glyphForCodePoint(char.codePointAt(0)!).id;
  }

  #runs(text: string): Run[] {
    const runs: Run[] = [];
    for (const char of text) {
      const cjk = this.#glyphId(char) !== 0 || !/^[\x20-\x7e]$/.test(char);
      const last = runs[runs.length - 1];
      if (last?.cjk === cjk) last.text += char;
      else runs.push({ cjk, text: char });
    }
    return runs;
  }

  /** Width of a string at size 1. */
  width(text: string): number {
    return this.#runs(text).reduce(
      (sum, run) =>
        sum +
        (run.cjk
          ? [...run.text].reduce((w, c) => w + this.#font.cmap.glyphForCodePoint(c.codePointAt(0)!).advanceWidth, 0) /
            this.#font.cmap.unitsPerEm
          : helvetica.widthOfTextAtSize(run.text, 1)),
      0,
    );
  }

  /** Text-showing operators for `text` at `size` (inside BT … ET), switching fonts as needed. */
  show(text: string, size: number): string {
    return this.#runs(text)
      .map((run) => {
        if (!run.cjk) {
          this.#usesHelvetica = true;
          return `/F2 ${size} Tf (${run.text.replace(/[\\()]/g, '\\$&')}) Tj`;
        }
        const codes = [...run.text].map((char) => {
          const id = this.#glyphId(char);
          this.#glyphs.set(id, char);
          return `\u0000G${id}\u0000`; // resolved to the subset's id once every glyph is known
        });
        return `/F1 ${size} Tf <${codes.join('')}> Tj`;
      })
      .join(' ');
  }

  /**
   * Writes the fonts used so far and returns the content with glyph codes resolved, the /Font resource entries,
   * and the size of the embedded font program.
   */
  write(update: IncrementalUpdate, content: string): { content: string; resources: string; fontFileBytes: number } {
    const ids = [...this.#glyphs.keys()].sort((a, b) => a - b);
    const { font: fontFile, newIds } = this.#font.glyphs.subset(ids);
    // eslint-disable-next-line no-control-regex -- NUL brackets the glyph placeholders: it never occurs in content text
    const resolved = content.replace(/\u0000G(\d+)\u0000/g, (_, id: string) =>
      newIds.get(Number(id))!.toString(16).padStart(4, '0'),
    );
    const units = this.#font.cmap.unitsPerEm;
    const scale = 1000 / units;
    const name = `/${subsetFontName(fontFile, this.#font.cmap)}`;
    const widths = ids
      .map((id) => `${newIds.get(id)} [${Math.round(this.#font.cmap.getGlyph(id).advanceWidth * scale)}]`)
      .join(' ');
    const { bbox, ascent, descent, capHeight } = this.#font.cmap;
    const [type0, cidFont, descriptor, file, toUnicode] = [0, 0, 0, 0, 0].map(() => update.allocate());
    update.putStream(file, ` /Length1 ${fontFile.length}`, fontFile);
    update.put(
      descriptor,
      `<</Type /FontDescriptor /FontName ${name} /Flags 4 /FontBBox [${[bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => Math.round(v * scale)).join(' ')}]` +
        ` /ItalicAngle 0 /Ascent ${Math.round(ascent * scale)} /Descent ${Math.round(descent * scale)}` +
        ` /CapHeight ${Math.round((capHeight || ascent) * scale)} /StemV 80 /FontFile2 ${file}>>`,
    );
    update.put(
      cidFont,
      `<</Type /Font /Subtype /CIDFontType2 /BaseFont ${name} /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>>` +
        ` /FontDescriptor ${descriptor} /CIDToGIDMap /Identity /DW 1000 /W [${widths}]>>`,
    );
    update.putStream(
      toUnicode,
      '',
      Buffer.from(toUnicodeCMap(ids.map((id) => [newIds.get(id)!, this.#glyphs.get(id)!])), 'latin1'),
    );
    update.put(
      type0,
      `<</Type /Font /Subtype /Type0 /BaseFont ${name} /Encoding /Identity-H /DescendantFonts [${cidFont}] /ToUnicode ${toUnicode}>>`,
    );
    let resources = `/F1 ${type0}`;
    if (this.#usesHelvetica) {
      const latin = update.allocate();
      update.put(latin, '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding>>');
      resources += ` /F2 ${latin}`;
    }
    return { content: resolved, resources, fontFileBytes: fontFile.length };
  }
}

/** So that text copied from the seal (and search) gives the characters back. */
function toUnicodeCMap(entries: Array<[code: number, text: string]>): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  const lines = entries
    .filter(([code]) => code !== 0)
    .map(([code, text]) => `<${hex(code)}> <${Buffer.from(text, 'utf16le').swap16().toString('hex')}>`);
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i += 100)
    blocks.push(`${lines.slice(i, i + 100).length} beginbfchar\n${lines.slice(i, i + 100).join('\n')}\nendbfchar`);
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}
