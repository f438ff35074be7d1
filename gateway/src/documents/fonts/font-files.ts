import crypto from 'node:crypto';
import fs from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import type { Font } from '@pdf-lib/fontkit';
import { TrueTypeFont } from './truetype-subset';

/**
 * Chinese (Debian fonts-droid-fallback): every CJK glyph these documents and seals need, but no Latin letters or
 * digits. The default: the gateway's configuration may name another file (LUOHU_CJK_FONT, config.ts).
 */
export const DEFAULT_CJK_FONT_PATH = '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf';
/** Latin letters, digits and punctuation the CJK font lacks (Debian fonts-dejavu-core). */
export const LATIN_FONT_PATH = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** A font file parsed twice: fontkit reads its cmap and metrics, our subsetter copies its glyphs. */
export interface LoadedFont {
  path: string;
  cmap: Font;
  glyphs: TrueTypeFont;
}

const loaded = new Map<string, LoadedFont>();

/** Read and parsed once per process (~0.3 s for the 4 MB CJK font): megabytes of which a document embeds a few KB. */
export function loadFont(path: string): LoadedFont {
  let font = loaded.get(path);
  if (!font) {
    const data = fs.readFileSync(path);
    font = { path, cmap: fontkit.create(data), glyphs: new TrueTypeFont(data) };
    loaded.set(path, font);
  }
  return font;
}

/**
 * A TrueType font holding just the glyphs for the characters of `text` (those the font has), with a cmap, for
 * pdf-lib's `embedFont(bytes, { subset: false })`: pdf-lib's own `subset: true` goes through fontkit's subsetter,
 * which loses most of Droid Sans Fallback's glyphs. The same characters in any order give the same bytes.
 */
export function subsetFont(text: string, path: string): Uint8Array {
  const { cmap, glyphs } = loadFont(path);
  const characters = new Map<number, number>();
  for (const codePoint of [...new Set(text)].map((c) => c.codePointAt(0)!).sort((a, b) => a - b)) {
    const id = cmap.glyphForCodePoint(codePoint).id;
    if (id !== 0) characters.set(codePoint, id);
  }
  return glyphs.subset([...new Set(characters.values())], characters).font;
}

/** The CJK font's subset for `text`. */
export const cjkSubsetFont = (text: string, path = DEFAULT_CJK_FONT_PATH): Uint8Array => subsetFont(text, path);

/**
 * The PDF name of an embedded subset: six capitals derived from the subset's bytes, '+', the font's PostScript name
 * (ISO 32000 9.6.4), so that readers know it is a subset and the same subset always gets the same name.
 */
export function subsetFontName(fontFile: Uint8Array, font: Font): string {
  const tag = [...crypto.createHash('sha256').update(fontFile).digest().subarray(0, 6)]
    .map((b) => String.fromCharCode(65 + (b % 26)))
    .join('');
  return `${tag}+${(font.postscriptName ?? 'Font').replace(/[^A-Za-z0-9-]/g, '')}`;
}
