import crypto from 'node:crypto';
import { closedLoop } from '../../network/bench/stats';

/**
 * One HTTP benchmark client process: the same minimal anchoring transaction as bench:fabric, but through the
 * gateway's API (POST /v1/batch-anchors, synchronous: answered after the commit). Prints one JSON line.
 * 503/429 answers (the gateway's back-pressure) are counted separately from failures, with how fast they came; the
 * Server-Timing header of each accepted write says where its time went on the server ("outside" is the rest:
 * connection, transfer, queues in front of the gateway's handler, this client).
 */
async function main(): Promise<void> {
  const [url, token, concurrency, seconds] = process.argv.slice(2);
  let shed = 0;
  let shedLatenciesMs: number[] = [];
  let phases: Record<string, number[]> = {};
  const anchorOnce = async () => {
    const batchId = `bench-${crypto.randomUUID()}`;
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/batch-anchors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ batchId, merkleRoot: crypto.createHash('sha256').update(batchId).digest('hex'), itemCount: 1, kind: 'bench' }),
    });
    const body = await res.text();
    const elapsed = performance.now() - t0;
    if (res.status === 503 || res.status === 429) {
      shed++;
      shedLatenciesMs.push(elapsed);
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      throw new Error(`shed ${res.status}`);
    }
    if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${body.slice(0, 100)}`);
    let server = 0;
    for (const [, name, dur] of (res.headers.get('server-timing') ?? '').matchAll(/([\w-]+);dur=([\d.]+)/g)) {
      (phases[name] ??= []).push(Number(dur));
      server += Number(dur);
    }
    (phases.outside ??= []).push(elapsed - server);
  };
  await closedLoop(Math.min(Number(concurrency), 5), 2, anchorOnce); // warm-up
  shed = 0;
  shedLatenciesMs = [];
  phases = {};
  const result = await closedLoop(Number(concurrency), Number(seconds), anchorOnce);
  process.stdout.write(JSON.stringify({ ...result, shed, shedLatenciesMs, phases }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
