/** Progress lines for long steps, on stderr so that `status --json` stays parseable on stdout. */
export function step(message: string): () => void {
  const started = Date.now();
  process.stderr.write(`• ${message}\n`);
  return () => process.stderr.write(`  ✓ ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

export async function timed<T>(message: string, work: () => Promise<T>): Promise<T> {
  const done = step(message);
  const result = await work();
  done();
  return result;
}

export function note(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
