import type { PDFRef } from 'pdf-lib';
import { SealFonts } from './cjk-font';
import type { IncrementalUpdate } from './incremental-writer';
import type { SealAppearance } from './types';

/**
 * The visible seal: a red round official stamp (公章) drawn in vector graphics as the widget's normal appearance —
 * double ring, five-pointed star, the organisation's name along the upper ring, the caption under the star, and
 * optionally a small line (who signed, when) under the seal.
 */

const SEAL_RED = '0.816 0.008 0.106'; // #D0021B
const KAPPA = 0.5523; // Bézier control distance for a quarter circle

const n = (v: number) => (Math.abs(v) < 1e-6 ? '0' : v.toFixed(3).replace(/\.?0+$/, ''));

function circle(cx: number, cy: number, r: number): string {
  const k = r * KAPPA;
  return [
    `${n(cx + r)} ${n(cy)} m`,
    `${n(cx + r)} ${n(cy + k)} ${n(cx + k)} ${n(cy + r)} ${n(cx)} ${n(cy + r)} c`,
    `${n(cx - k)} ${n(cy + r)} ${n(cx - r)} ${n(cy + k)} ${n(cx - r)} ${n(cy)} c`,
    `${n(cx - r)} ${n(cy - k)} ${n(cx - k)} ${n(cy - r)} ${n(cx)} ${n(cy - r)} c`,
    `${n(cx + k)} ${n(cy - r)} ${n(cx + r)} ${n(cy - k)} ${n(cx + r)} ${n(cy)} c`,
  ].join('\n');
}

function star(cx: number, cy: number, outer: number): string {
  const inner = outer * 0.382; // the regular pentagram's ratio
  const points = Array.from({ length: 10 }, (_, i) => {
    const angle = Math.PI / 2 + (i * Math.PI) / 5;
    const r = i % 2 === 0 ? outer : inner;
    return `${n(cx + r * Math.cos(angle))} ${n(cy + r * Math.sin(angle))}`;
  });
  return `${points[0]} m\n${points
    .slice(1)
    .map((p) => `${p} l`)
    .join('\n')}\nh f`;
}

/** Characters along the upper arc, each upright towards the rim, read clockwise from the lower left. */
function arcText(
  font: SealFonts,
  text: string,
  cx: number,
  cy: number,
  radius: number,
  size: number,
  step: number,
): string {
  const chars = [...text];
  const span = step * chars.length;
  const ops: string[] = [];
  chars.forEach((char, i) => {
    const theta = Math.PI / 2 + span / 2 - (i + 0.5) * step;
    const phi = theta - Math.PI / 2; // the glyph's x axis is the tangent, clockwise
    const half = (font.width(char) * size) / 2;
    const x = cx + radius * Math.cos(theta) - half * Math.sin(theta);
    const y = cy + radius * Math.sin(theta) + half * Math.cos(theta);
    ops.push(
      `${n(Math.cos(phi) * size)} ${n(Math.sin(phi) * size)} ${n(-Math.sin(phi) * size)} ${n(Math.cos(phi) * size)} ${n(x)} ${n(y)} Tm ${font.show(char, 1)}`,
    );
  });
  return `BT\n${ops.join('\n')}\nET`;
}

function centredText(font: SealFonts, text: string, cx: number, baseline: number, size: number): string {
  const x = cx - (font.width(text) * size) / 2;
  return `BT ${n(x)} ${n(baseline)} Td ${font.show(text, +n(size))} ET`;
}

/** Draws the seal into a form XObject sized to the widget's rectangle; returns its reference. */
export function writeSealAppearance(
  update: IncrementalUpdate,
  seal: SealAppearance,
): { ref: PDFRef; fontFileBytes: number } {
  const [, , width, height] = seal.rect;
  if (!(width > 0 && height > 0)) throw new Error("the seal's rectangle must have a positive width and height");
  const font = new SealFonts(seal.cjkFont);
  const band = seal.signerName ? Math.min(height * 0.16, 16) : 0;
  const radius = Math.min(width, height - band) / 2;
  const cx = width / 2;
  const cy = height - (height - band) / 2;
  const outerLine = radius * 0.06;
  const innerRing = radius * 0.86;

  const organisation = seal.organisation.trim();
  const chars = [...organisation].length || 1;
  let size = radius * 0.21;
  let step = (size * 1.05) / (innerRing - size * 0.6);
  const maxSpan = (250 * Math.PI) / 180;
  if (step * chars > maxSpan) {
    // long names: smaller characters, closer together
    step = maxSpan / chars;
    size = Math.min(size, (step * (innerRing - radius * 0.12)) / 1.05);
  }
  const textRadius = innerRing - radius * 0.04 - size * 0.88;

  const captionSize = Math.min(radius * 0.17, (radius * 1.2) / Math.max(1, font.width(seal.caption)));
  const parts = [
    'q',
    `${SEAL_RED} RG ${SEAL_RED} rg`,
    `${n(outerLine)} w`,
    circle(cx, cy, radius - outerLine / 2),
    'S',
    `${n(radius * 0.015)} w`,
    circle(cx, cy, innerRing),
    'S',
    star(cx, cy + radius * 0.02, radius * 0.3),
    `2 Tr ${n(radius * 0.005)} w`, // fill and stroke: the heavier strokes of a stamped character
    arcText(font, organisation, cx, cy, textRadius, size, step),
    centredText(font, seal.caption, cx, cy - radius * 0.55, captionSize),
    '0 Tr Q',
  ];
  if (seal.signerName) {
    const nameSize = Math.min(band * 0.75, (width * 0.95) / Math.max(1, font.width(seal.signerName)));
    parts.push(`q 0.2 0.2 0.2 rg ${centredText(font, seal.signerName, cx, band * 0.2, nameSize)} Q`);
  }
  const { content, resources, fontFileBytes } = font.write(update, parts.join('\n'));
  const ref = update.allocate();
  update.putStream(
    ref,
    ` /Type /XObject /Subtype /Form /BBox [0 0 ${n(width)} ${n(height)}] /Resources <</Font <<${resources}>> /ProcSet [/PDF /Text]>>`,
    Buffer.from(content, 'latin1'),
  );
  return { ref, fontFileBytes };
}
