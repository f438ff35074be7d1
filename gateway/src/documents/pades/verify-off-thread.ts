import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PdfVerification } from './types';

/**
 * Verifies an untrusted PDF (an upload, a stored file looked up by hash) in a worker thread, so that parsing and
 * inflating it never blocks the gateway's event loop; with a time budget and a heap cap, and at most
 * MAX_CONCURRENT at once (2 cores: more would only queue for the CPU). Inflation itself is capped in the worker
 * (InflateBudget).
 */
export const PDF_TIME_BUDGET_MS = 10_000;
const MAX_CONCURRENT = 2;
const WORKER_HEAP_MB = 256;

/** The PDF cannot be checked within the limits: its streams inflate past the budget, or it takes too long. */
export class PdfLimitError extends Error {}

const WORKER_FILE = path.join(__dirname, `verify-worker${path.extname(__filename)}`);
// Under tsx (how the gateway runs) the worker must load TypeScript too: register tsx's require hook first.
const BOOTSTRAP =
  path.extname(__filename) === '.ts'
    ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(WORKER_FILE)});`
    : `require(${JSON.stringify(WORKER_FILE)});`;

let running = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/** Verifies a PDF's signatures in a worker thread with a time budget and a heap cap (a PDF bomb gets 422). */
export async function verifyPdfOffThread(pdf: Uint8Array, timeBudgetMs = PDF_TIME_BUDGET_MS): Promise<PdfVerification> {
  const release = await slot();
  try {
    return await new Promise<PdfVerification>((resolve, reject) => {
      const worker = new Worker(BOOTSTRAP, {
        eval: true,
        workerData: { pdf },
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      });
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new PdfLimitError(`the PDF could not be checked within ${timeBudgetMs} ms`));
      }, timeBudgetMs);
      const done = () => clearTimeout(timer);
      worker.once(
        'message',
        (m: { ok: true; verification: PdfVerification } | { ok: false; limit: boolean; message: string }) => {
          done();
          void worker.terminate();
          if (m.ok) resolve(m.verification);
          else reject(m.limit ? new PdfLimitError(m.message) : new Error(m.message));
        },
      );
      worker.once('error', (err) => {
        done();
        // ERR_WORKER_OUT_OF_MEMORY: the heap cap, a limit like the others
        reject(
          (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new PdfLimitError('the PDF needs more memory to check than allowed')
            : err,
        );
      });
      worker.once('exit', (code) => {
        done();
        reject(new Error(`the PDF check stopped (exit ${code})`));
      });
    });
  } finally {
    release();
  }
}
