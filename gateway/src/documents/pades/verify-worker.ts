/** The worker thread's side of verifyPdfOffThread: one PDF in, its verification (or why it was refused) out. */
import { parentPort, workerData } from 'node:worker_threads';
import { InflationLimitError } from './inflate-budget';
import { verifyPdfSignatures } from './verify';

const { pdf } = workerData as { pdf: Uint8Array };
try {
  parentPort!.postMessage({ ok: true, verification: verifyPdfSignatures(pdf) });
} catch (err) {
  parentPort!.postMessage({ ok: false, limit: err instanceof InflationLimitError, message: (err as Error).message });
}
