import fontkit from '@pdf-lib/fontkit';
import { type Color, PDFDocument, PDFFont, PDFPage, rgb } from 'pdf-lib';
import QRCode from 'qrcode';
import {
  DEFAULT_CJK_FONT_PATH,
  LATIN_FONT_PATH,
  loadFont,
  subsetFont,
  subsetFontName,
  type LoadedFont,
} from '../fonts';

/** Text placed on the page; drawn once the whole page is laid out and every character it shows is known. */
interface PlacedText {
  text: string;
  x: number;
  y: number;
  size: number;
  color: Color;
}

/**
 * Text in two fonts: each character from the CJK font when it has the glyph, else from the Latin one (the CJK font
 * has no Latin letters or digits). Measured on the whole fonts while laying out; embedded at the end as subsets of
 * exactly the characters the page shows, made by our subsetter (see ../fonts).
 */
class Typeface {
  private readonly cjk: LoadedFont;
  private readonly latin = loadFont(LATIN_FONT_PATH);
  private readonly advances = new Map<string, number>();

  constructor(cjkFont: string) {
    this.cjk = loadFont(cjkFont);
  }

  private fontOf(ch: string): LoadedFont {
    return ch !== ' ' && this.cjk.cmap.hasGlyphForCodePoint(ch.codePointAt(0)!) ? this.cjk : this.latin;
  }

  runs(text: string): [LoadedFont, string][] {
    const runs: [LoadedFont, string][] = [];
    for (const ch of text) {
      const f = this.fontOf(ch);
      if (runs.length && runs[runs.length - 1][0] === f) runs[runs.length - 1][1] += ch;
      else runs.push([f, ch]);
    }
    return runs;
  }

  /** Sum of each character's advance (cached: wrapping asks often). */
  width(text: string, size: number): number {
    let em = 0;
    for (const ch of text) {
      let advance = this.advances.get(ch);
      if (advance === undefined) {
        const { cmap } = this.fontOf(ch);
        advance = cmap.glyphForCodePoint(ch.codePointAt(0)!).advanceWidth / cmap.unitsPerEm;
        this.advances.set(ch, advance);
      }
      em += advance;
    }
    return em * size;
  }

  /** Embeds, for each font the texts use, the subset of the characters they show from it. */
  async embed(pdf: PDFDocument, texts: string[]): Promise<Map<LoadedFont, PDFFont>> {
    const shown = new Map<LoadedFont, string>();
    for (const [font, run] of texts.flatMap((t) => this.runs(t))) shown.set(font, (shown.get(font) ?? '') + run);
    const embedded = new Map<LoadedFont, PDFFont>();
    for (const font of [this.cjk, this.latin].filter((f) => shown.has(f))) {
      const bytes = subsetFont(shown.get(font)!, font.path);
      embedded.set(font, await pdf.embedFont(bytes, { subset: false, customName: subsetFontName(bytes, font.cmap) }));
    }
    return embedded;
  }
}

/** Where the ledger recorded the decision a document records. */
export interface LedgerReference {
  transactionId: string;
  blockNumber: string | null;
  timestamp: string;
}

/** What every generated document carries besides its own body. */
export interface DocumentHeader {
  /** 文号: stable across the signed revisions. */
  documentNo: string;
  issuer: string;
  ledger: LedgerReference;
  verificationUrl: string;
}

/**
 * Where the signatures' visible appearances go: the clerk's seal, the reviewer's and the director's counter-signatures.
 */
export type SignatureSlot = 'seal' | 'review' | 'approval';
export const SIGNATURE_SLOTS: Record<
  SignatureSlot,
  { rect: [x: number, y: number, width: number, height: number]; caption: string }
> = {
  review: { rect: [190, 90, 100, 100], caption: '审核' },
  approval: { rect: [300, 90, 100, 100], caption: '签发' },
  seal: { rect: [410, 80, 130, 130], caption: '经办盖章' },
};

/** A labelled line of a document's table. */
export type Row = [label: string, value: string];

const PAGE: [number, number] = [595.28, 841.89]; // A4
const MARGIN = 56;
const INK = rgb(0.1, 0.1, 0.1);
const RED = rgb(0.75, 0.05, 0.05);
const GREY = rgb(0.45, 0.45, 0.45);

/** 1234567 fen → "12,345.67 元". */
export const yuan = (fen: number) =>
  `${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const PLACES = ['', '拾', '佰', '仟'];
const GROUPS = ['', '万', '亿', '万亿'];

/** The amount in capitals, as vouchers write it (人民币大写): 1234567 fen → 壹万贰仟叁佰肆拾伍元陆角柒分. */
export function amountInWords(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`amount ${fen} is not a whole number of fen`);
  const whole = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  const groups: number[] = [];
  for (let n = whole; n > 0; n = Math.floor(n / 10_000)) groups.unshift(n % 10_000);
  let words = '';
  let zero = false; // a zero is owed before the next non-zero digit
  groups.forEach((group, gi) => {
    for (let place = 3; place >= 0; place--) {
      const d = Math.floor(group / 10 ** place) % 10;
      if (d === 0) {
        zero ||= words !== '';
        continue;
      }
      if (zero) words += '零';
      words += DIGITS[d] + PLACES[place];
      zero = false;
    }
    if (group > 0) words += GROUPS[groups.length - 1 - gi];
  });
  if (whole > 0) words += '元';
  if (jiao === 0 && cents === 0) return whole > 0 ? `${words}整` : '零元整';
  if (jiao > 0) words += `${DIGITS[jiao]}角`;
  else if (whole > 0) words += '零';
  return cents > 0 ? `${words}${DIGITS[cents]}分` : `${words}整`;
}

/** 2026-11-24T05:02:24.123Z → 2026年11月24日 (Beijing time, as the bureaus date their documents). */
export function chineseDate(iso: string): string {
  const t = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日`;
}

/** Breaks text into lines that fit the width (character by character: Chinese has no spaces to break at). */
function wrap(text: string, f: Typeface, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const ch of paragraph) {
      if (line && f.width(line + ch, size) > width) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Draws one document: title, 文号, the facts as a table, the body text, the ledger reference, QR code and signature
 * boxes.
 */
export class DocumentPage {
  private y = PAGE[1] - MARGIN;
  private readonly f: Typeface;
  private readonly texts: PlacedText[] = [];

  private constructor(
    private readonly pdf: PDFDocument,
    private readonly page: PDFPage,
    cjkFont: string,
  ) {
    this.f = new Typeface(cjkFont);
  }

  /**
   * A page with the document's heading and footer drawn; Chinese from `cjkFont` (by default the system's, see
   * ../fonts).
   */
  static async start(title: string, header: DocumentHeader, cjkFont = DEFAULT_CJK_FONT_PATH): Promise<DocumentPage> {
    // No producer stamp or "now" dates: the same inputs give the same bytes (the dates are the ledger's).
    const pdf = await PDFDocument.create({ updateMetadata: false });
    pdf.registerFontkit(fontkit);
    const at = new Date(header.ledger.timestamp);
    pdf.setTitle(`${title} ${header.documentNo}`);
    pdf.setAuthor(header.issuer);
    pdf.setSubject(`ledger transaction ${header.ledger.transactionId}`);
    pdf.setCreator('Luohu works ledger');
    pdf.setProducer('pdf-lib');
    pdf.setCreationDate(at);
    pdf.setModificationDate(at);
    const doc = new DocumentPage(pdf, pdf.addPage(PAGE), cjkFont);
    doc.centered(header.issuer, 16, RED);
    doc.y -= 10;
    doc.centered(title, 24, INK);
    doc.y -= 4;
    doc.centered(header.documentNo, 11, GREY);
    doc.y -= 6;
    doc.page.drawLine({
      start: { x: MARGIN, y: doc.y },
      end: { x: PAGE[0] - MARGIN, y: doc.y },
      thickness: 1.2,
      color: RED,
    });
    doc.y -= 22;
    await doc.footer(header);
    return doc;
  }

  private place(text: string, at: Omit<PlacedText, 'text'>): void {
    this.texts.push({ text, ...at });
  }

  private centered(text: string, size: number, color = INK): void {
    this.y -= size;
    this.place(text, { x: (PAGE[0] - this.f.width(text, size)) / 2, y: this.y, size, color });
  }

  /** Label/value rows; long values wrap under their own column. */
  table(rows: Row[], size = 11): void {
    const labelWidth = 110;
    const valueWidth = PAGE[0] - 2 * MARGIN - labelWidth;
    for (const [label, value] of rows) {
      const lines = wrap(value, this.f, size, valueWidth - 8);
      const height = lines.length * (size + 5) + 6;
      this.page.drawRectangle({
        x: MARGIN,
        y: this.y - height,
        width: PAGE[0] - 2 * MARGIN,
        height,
        borderColor: GREY,
        borderWidth: 0.5,
      });
      this.page.drawLine({
        start: { x: MARGIN + labelWidth, y: this.y },
        end: { x: MARGIN + labelWidth, y: this.y - height },
        thickness: 0.5,
        color: GREY,
      });
      this.place(label, { x: MARGIN + 6, y: this.y - size - 4, size, color: GREY });
      lines.forEach((line, i) =>
        this.place(line, { x: MARGIN + labelWidth + 6, y: this.y - size - 4 - i * (size + 5), size, color: INK }),
      );
      this.y -= height;
    }
    this.y -= 14;
  }

  paragraph(text: string, size = 12): void {
    for (const line of wrap(text, this.f, size, PAGE[0] - 2 * MARGIN)) {
      this.y -= size + 6;
      this.place(line, { x: MARGIN, y: this.y, size, color: INK });
    }
    this.y -= 10;
  }

  /** The QR code (the verification link), the ledger reference, and the boxes the signatures' appearances fill. */
  private async footer(header: DocumentHeader): Promise<void> {
    // Whole pixels per module, so that scaling keeps it sharp.
    const png = await QRCode.toBuffer(header.verificationUrl, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 1,
      scale: 4,
    });
    const qr = await this.pdf.embedPng(png);
    this.page.drawImage(qr, { x: MARGIN, y: 85, width: 110, height: 110 });
    const small = (text: string, y: number) => this.place(text, { x: MARGIN, y, size: 7, color: GREY });
    small(`扫码或访问以下地址核验 Verify: ${header.verificationUrl}`, 70);
    small(`区块链存证 Ledger: 区块 Block ${header.ledger.blockNumber ?? '—'} · ${header.ledger.timestamp}`, 58);
    small(`交易 Transaction ${header.ledger.transactionId}`, 48);
    for (const slot of Object.values(SIGNATURE_SLOTS)) {
      const [x, y, width, height] = slot.rect;
      this.page.drawRectangle({ x, y, width, height, borderColor: GREY, borderWidth: 0.4, borderDashArray: [2, 2] });
      this.place(slot.caption, { x, y: y + height + 3, size: 7.5, color: GREY }); // above: the seal fills the box
    }
  }

  /**
   * Embeds the font subsets of every character placed, draws the text, and writes a classic cross-reference table
   * (no object streams): what incremental signature updates and pdfsig read most simply.
   */
  async save(): Promise<Uint8Array> {
    const fonts = await this.f.embed(
      this.pdf,
      this.texts.map((t) => t.text),
    );
    for (const { text, ...at } of this.texts) {
      let x = at.x;
      for (const [font, run] of this.f.runs(text)) {
        this.page.drawText(run, { ...at, x, font: fonts.get(font)! });
        x += this.f.width(run, at.size);
      }
    }
    return this.pdf.save({ useObjectStreams: false });
  }
}
