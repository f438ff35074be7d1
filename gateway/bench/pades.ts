/**
 * Signing and verification speed and size for sealed documents: `npx tsx gateway/bench/pades.ts [rounds]`.
 * Prints the one-off font load, then medians over the rounds (the font is cached after the first signature).
 */
import { performance } from 'node:perf_hooks';
import { signPdf, verifyPdfSignatures } from '../src/documents/pades';
import { DEFAULT_CJK_FONT_PATH, loadFont } from '../src/documents/fonts';
import { TestPki, chineseDocument } from '../test/unit/pades-fixtures';

const rounds = Number(process.argv[2] ?? 30);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
async function timed<T>(samples: number[], run: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const result = await run();
  samples.push(performance.now() - start);
  return result;
}

async function main() {
  const pki = new TestPki();
  try {
    const fontLoad = performance.now();
    loadFont(DEFAULT_CJK_FONT_PATH);
    console.log(`font parse (once per process): ${(performance.now() - fontLoad).toFixed(1)} ms`);
    const { signer } = pki.issue('clerk', '/C=CN/O=深圳市罗湖区住房和建设局/CN=张三');
    const document = await chineseDocument();
    const appearance = {
      rect: [400, 60, 150, 170] as [number, number, number, number],
      organisation: '深圳市罗湖区住房和建设局',
      caption: '审批专用章',
      signerName: '经办人 张三 2026-11-24',
    };
    const visible: number[] = [];
    const invisible: number[] = [];
    const verify: number[] = [];
    let sealed = document;
    let countersigned = document;
    for (let i = 0; i < rounds; i++) {
      sealed = await timed(visible, () => signPdf(document, signer, { reason: '经办', appearance }));
      countersigned = await timed(invisible, () => signPdf(sealed, signer, { reason: '批准' }));
      await timed(verify, () => verifyPdfSignatures(countersigned));
    }
    const fontProgram = /\/Length1 (\d+)/.exec(Buffer.from(sealed).toString('latin1'))?.[1];
    console.log(
      `2-page document: ${document.length} bytes; with a visible seal: ${sealed.length} bytes (seal font subset ${fontProgram} bytes uncompressed); ` +
        `+ invisible counter-signature: ${countersigned.length} bytes`,
    );
    console.log(
      `sign with seal: median ${median(visible).toFixed(1)} ms; invisible counter-signature: median ${median(invisible).toFixed(1)} ms; ` +
        `verify 2 signatures: median ${median(verify).toFixed(1)} ms (${rounds} rounds, ECDSA P-256, in-process key)`,
    );
  } finally {
    pki.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
