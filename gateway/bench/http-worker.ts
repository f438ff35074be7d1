import crypto from 'node:crypto';
import fs from 'node:fs';
import { completeSignatures } from '../src/client/signing-client';
import { importPrivateKey } from '../src/device-client/keys';
import { closedLoop } from '../../network/bench/stats';

/**
 * One HTTP benchmark client process: the same minimal anchoring transaction as bench:fabric, but through the
 * gateway's API (POST /v1/batch-anchors, synchronous: answered after the commit). Prints one JSON line. With a key
 * file, the user holds their own key: each write is answered 202 with the proposal, signed here, then the
 * transaction, signed here (the client-signed path), and the last answer is the receipt.
 * 503/429 answers (the gateway's back-pressure) are counted separately from failures, with how fast they came; the
 * Server-Timing header of each accepted write says where its time went on the server ("outside" is the rest:
 * connection, transfer, queues in front of the gateway's handler, this client).
 */
async function main(): Promise<void> {
  const [url, token, concurrency, seconds, keyFile] = process.argv.slice(2);
  const key = keyFile ? await importPrivateKey(fs.readFileSync(keyFile, 'utf8')) : undefined;
  let shed = 0;
  let shedLatenciesMs: number[] = [];
  let phases: Record<string, number[]> = {};
  const anchorOnce = async () => {
    const batchId = `bench-${crypto.randomUUID()}`;
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/batch-anchors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        batchId,
        merkleRoot: crypto.createHash('sha256').update(batchId).digest('hex'),
        itemCount: 1,
        kind: 'bench',
      }),
    });
    let body = await res.text();
    let answer = res;
    if (key && res.status === 202) {
      const final = await completeSignatures(
        url,
        { privateKey: key },
        { status: res.status, headers: res.headers, body: JSON.parse(body) },
      );
      body = JSON.stringify(final.body);
      answer = { status: final.status, headers: final.headers } as Response;
    }
    const elapsed = performance.now() - t0;
    if (answer.status === 503 || answer.status === 429) {
      shed++;
      shedLatenciesMs.push(elapsed);
      await new Promise((r) => setTimeout(r, 1000 * Number(answer.headers.get('retry-after') ?? 1)));
      throw new Error(`shed ${answer.status}`);
    }
    if (answer.status !== 201) throw new Error(`HTTP ${answer.status}: ${body.slice(0, 100)}`);
    let server = 0;
    for (const [, name, dur] of (answer.headers.get('server-timing') ?? '').matchAll(/([\w-]+);dur=([\d.]+)/g)) {
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
