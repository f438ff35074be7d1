/**
 * A TrueType (glyf) subsetter: keeps the requested glyphs (and the components of composite ones), renumbered from
 * 1, with their metrics and the hinting tables. Written because @pdf-lib/fontkit 1.1.1's subsetter writes a short
 * 'loca' over unpadded glyph data, which corrupts every glyph after the first odd-length one (DroidSansFallbackFull
 * shows one character in ten); this one always writes a long 'loca' over 4-byte-aligned glyphs.
 */

const COPIED_TABLES = ['OS/2', 'cvt ', 'fpgm', 'prep', 'name'];

// Composite glyph component flags (OpenType 'glyf').
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** A TrueType font read once, that can copy out a subset of its glyphs as a font of its own. */
export class TrueTypeFont {
  readonly #tables = new Map<string, Buffer>();
  readonly numGlyphs: number;
  readonly #longLoca: boolean;
  readonly #numberOfHMetrics: number;

  constructor(readonly data: Buffer) {
    const numTables = data.readUInt16BE(4);
    for (let i = 0; i < numTables; i++) {
      const entry = 12 + i * 16;
      const offset = data.readUInt32BE(entry + 8);
      this.#tables.set(
        data.toString('latin1', entry, entry + 4),
        data.subarray(offset, offset + data.readUInt32BE(entry + 12)),
      );
    }
    for (const tag of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf']) {
      if (!this.#tables.has(tag))
        throw new Error(`the font has no '${tag}' table: only TrueType outlines can be embedded`);
    }
    this.#longLoca = this.#table('head').readInt16BE(50) === 1;
    this.numGlyphs = this.#table('maxp').readUInt16BE(4);
    this.#numberOfHMetrics = this.#table('hhea').readUInt16BE(34);
  }

  #table(tag: string): Buffer {
    return this.#tables.get(tag)!;
  }

  #glyph(id: number): Buffer {
    const loca = this.#table('loca');
    const [start, end] = this.#longLoca
      ? [loca.readUInt32BE(id * 4), loca.readUInt32BE(id * 4 + 4)]
      : [loca.readUInt16BE(id * 2) * 2, loca.readUInt16BE(id * 2 + 2) * 2];
    return this.#table('glyf').subarray(start, end);
  }

  #metrics(id: number): [advance: number, leftSideBearing: number] {
    const hmtx = this.#table('hmtx');
    const last = this.#numberOfHMetrics - 1;
    if (id <= last) return [hmtx.readUInt16BE(id * 4), hmtx.readInt16BE(id * 4 + 2)];
    return [
      hmtx.readUInt16BE(last * 4),
      hmtx.readInt16BE(this.#numberOfHMetrics * 4 + (id - this.#numberOfHMetrics) * 2),
    ];
  }

  /** Offsets of the component glyph ids inside a composite glyph (none for a simple glyph). */
  #componentOffsets(glyph: Buffer): number[] {
    if (glyph.length === 0 || glyph.readInt16BE(0) >= 0) return [];
    const offsets: number[] = [];
    for (let at = 10, flags = MORE_COMPONENTS; flags & MORE_COMPONENTS;) {
      flags = glyph.readUInt16BE(at);
      offsets.push(at + 2);
      at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      at += flags & WE_HAVE_A_SCALE ? 2 : flags & WE_HAVE_AN_X_AND_Y_SCALE ? 4 : flags & WE_HAVE_A_TWO_BY_TWO ? 8 : 0;
    }
    return offsets;
  }

  /**
   * A font with glyph 0 (.notdef), then `glyphIds` in order, then any components they need; with `characters`
   * (code point → original glyph id) also a 'cmap', so that the subset can be used as a font of its own.
   */
  subset(glyphIds: number[], characters?: Map<number, number>): { font: Buffer; newIds: Map<number, number> } {
    const order = [0];
    const newIds = new Map([[0, 0]]);
    const include = (id: number) => {
      if (!newIds.has(id)) {
        newIds.set(id, order.length);
        order.push(id);
      }
    };
    glyphIds.forEach(include);
    for (let i = 0; i < order.length; i++) {
      // components are appended, so this also walks nested composites
      const glyph = this.#glyph(order[i]);
      for (const at of this.#componentOffsets(glyph)) include(glyph.readUInt16BE(at));
    }

    const glyphs = order.map((id) => {
      const glyph = Buffer.from(this.#glyph(id));
      for (const at of this.#componentOffsets(glyph)) glyph.writeUInt16BE(newIds.get(glyph.readUInt16BE(at))!, at);
      return Buffer.concat([glyph, Buffer.alloc((4 - (glyph.length % 4)) % 4)]);
    });
    const loca = Buffer.alloc((order.length + 1) * 4);
    glyphs.reduce((offset, glyph, i) => {
      loca.writeUInt32BE(offset, i * 4);
      return offset + glyph.length;
    }, 0);
    loca.writeUInt32BE(
      glyphs.reduce((sum, g) => sum + g.length, 0),
      order.length * 4,
    );
    const hmtx = Buffer.alloc(order.length * 4);
    order.forEach((id, i) => {
      const [advance, lsb] = this.#metrics(id);
      hmtx.writeUInt16BE(advance, i * 4);
      hmtx.writeInt16BE(lsb, i * 4 + 2);
    });
    const head = Buffer.from(this.#table('head'));
    head.writeUInt32BE(0, 8); // checkSumAdjustment, set below
    head.writeInt16BE(1, 50); // long loca
    const hhea = Buffer.from(this.#table('hhea'));
    hhea.writeUInt16BE(order.length, 34);
    const maxp = Buffer.from(this.#table('maxp'));
    maxp.writeUInt16BE(order.length, 4);
    const post = Buffer.alloc(32);
    this.#tables.get('post')?.copy(post, 0, 0, 32);
    post.writeUInt32BE(0x00030000, 0); // version 3: no glyph names

    const tables = new Map<string, Buffer>([
      ['head', head],
      ['hhea', hhea],
      ['maxp', maxp],
      ['hmtx', hmtx],
      ['loca', loca],
      ['glyf', Buffer.concat(glyphs)],
      ['post', post],
    ]);
    for (const tag of COPIED_TABLES) if (this.#tables.has(tag)) tables.set(tag, this.#table(tag));
    if (characters)
      tables.set('cmap', cmapFormat4([...characters].map(([codePoint, id]) => [codePoint, newIds.get(id)!])));
    const { font, offsets } = sfnt(tables);
    font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, offsets.get('head')! + 8);
    return { font, newIds };
  }
}

/** A Windows Unicode BMP 'cmap' (format 4), one segment per character. */
function cmapFormat4(mapping: Array<[codePoint: number, glyphId: number]>): Buffer {
  const segments = mapping.filter(([cp]) => cp < 0xffff).sort(([a], [b]) => a - b);
  segments.push([0xffff, 0]);
  const count = segments.length;
  const power = 2 ** Math.floor(Math.log2(count));
  const subtable = Buffer.alloc(16 + count * 8);
  subtable.writeUInt16BE(4, 0); // format
  subtable.writeUInt16BE(subtable.length, 2);
  subtable.writeUInt16BE(count * 2, 6);
  subtable.writeUInt16BE(power * 2, 8);
  subtable.writeUInt16BE(Math.log2(power), 10);
  subtable.writeUInt16BE(count * 2 - power * 2, 12);
  segments.forEach(([codePoint, glyphId], i) => {
    subtable.writeUInt16BE(codePoint, 14 + i * 2); // endCode
    subtable.writeUInt16BE(codePoint, 16 + count * 2 + i * 2); // startCode
    subtable.writeUInt16BE(codePoint === 0xffff ? 1 : (glyphId - codePoint) & 0xffff, 16 + count * 4 + i * 2); // idDelta
  });
  const header = Buffer.from([0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12]); // version 0, one table: platform 3 encoding 1 at 12
  return Buffer.concat([header, subtable]);
}

function checksum(data: Buffer): number {
  const padded = data.length % 4 ? Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]) : data;
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** The sfnt container: offset table, table directory (tags sorted), tables padded to 4 bytes. */
function sfnt(tables: Map<string, Buffer>): { font: Buffer; offsets: Map<string, number> } {
  const tags = [...tables.keys()].sort();
  const header = Buffer.alloc(12 + tags.length * 16);
  const power = 2 ** Math.floor(Math.log2(tags.length));
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(tags.length, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(tags.length * 16 - power * 16, 10);
  const bodies: Buffer[] = [];
  const offsets = new Map<string, number>();
  let offset = header.length;
  tags.forEach((tag, i) => {
    const table = tables.get(tag)!;
    const entry = 12 + i * 16;
    header.write(tag, entry, 'latin1');
    header.writeUInt32BE(checksum(table), entry + 4);
    header.writeUInt32BE(offset, entry + 8);
    offsets.set(tag, offset);
    header.writeUInt32BE(table.length, entry + 12);
    const padded = Buffer.concat([table, Buffer.alloc((4 - (table.length % 4)) % 4)]);
    bodies.push(padded);
    offset += padded.length;
  });
  return { font: Buffer.concat([header, ...bodies]), offsets };
}
