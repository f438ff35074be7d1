import crypto from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config';
import type { EvidenceBundle } from '../src/evidence/format';
import { EvidenceVerifier } from '../src/evidence/verify';
import { createLogger } from '../src/platform/logger';
import { createServer } from '../src/server';
import { loadCalendar } from '../src/shared/working-days';
import { percentile } from '../../network/bench/stats';
import { loadSettings } from '../../network/src/settings';

/**
 * `npm run bench:evidence` (on a running network: LUOHU_BASE_PORT / LUOHU_NETWORK_DIR as for `npm run network`):
 *  1. Merkle batches: BENCH_BATCHES (default 40) batches of BENCH_BATCH_ITEMS (default 10,000) item hashes through
 *     POST /v1/batch-anchors/items, BENCH_CONCURRENCY (default 4) in flight — one transaction per batch — reported
 *     as items anchored per second (with their proofs servable), and the proof route's latency.
 *  2. Verification: BENCH_BUNDLES (default 400) item bundles exported from those batches, then verified in this one
 *     process (one core) for BENCH_VERIFY_SECONDS (default 10) each way: cold (a new verifier per bundle: every
 *     config, certificate chain, signature and header chain checked from scratch) and warm (one verifier: what
 *     bundles share — parsed config, validated certificates, verified header chains and block signatures — cached
 *     by hash). Each verification includes parsing the bundle file's JSON.
 * Goals: ≥ 10,000 items/s anchored; ≥ 2,000 bundles/s/core verified.
 */
const batches = Number(process.env.BENCH_BATCHES ?? 40);
const batchItems = Number(process.env.BENCH_BATCH_ITEMS ?? 10_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const bundleCount = Number(process.env.BENCH_BUNDLES ?? 400);
const verifySeconds = Number(process.env.BENCH_VERIFY_SECONDS ?? 10);

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const settings = loadSettings();
  await loadCalendar();
  const config = loadConfig({
    ...process.env,
    LUOHU_NETWORK_DIR: settings.runDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PROJECTOR: 'off',
    MQTT_URL: 'off',
  });
  const gateway = await createServer(config, createLogger('silent'));
  const { port } = (await gateway.start()) as AddressInfo;
  const url = `http://127.0.0.1:${port}/v1`;
  try {
    const login = await fetch(`${url}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin.housing', password: config.adminPassword }),
    });
    if (login.status !== 201) throw new Error(`admin login: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const getJson = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${url}${path}`, { headers });
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // 1. Items anchored per second through Merkle batches.
    const run = crypto.randomUUID().slice(0, 8);
    const ids = Array.from({ length: batches }, (_v, i) => `BENCH-${run}-${i}`);
    const bodies = ids.map((batchId) =>
      JSON.stringify({
        batchId,
        kind: 'bench',
        items: Array.from({ length: batchItems }, () => crypto.randomBytes(32).toString('hex')),
      }),
    );
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < batches; i = next++) {
          const t0 = performance.now();
          const res = await fetch(`${url}/batch-anchors/items`, { method: 'POST', headers, body: bodies[i] });
          if (res.status !== 201) throw new Error(`batch ${ids[i]}: ${res.status} ${await res.text()}`);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const anchorSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `Merkle batches: ${batches} × ${fmt(batchItems)} items, ${concurrency} in flight, one transaction each`,
    );
    console.log(
      `  ${fmt((batches * batchItems) / anchorSeconds)} items/s anchored (${fmt(anchorSeconds, 1)} s); per batch p50 ${fmt(percentile(latencies, 50))} ms, p95 ${fmt(percentile(latencies, 95))} ms`,
    );

    const proofLatencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await getJson(`/batch-anchors/${ids[i % batches]}/items/${crypto.randomInt(batchItems)}`);
      proofLatencies.push(performance.now() - t0);
    }
    proofLatencies.sort((a, b) => a - b);
    console.log(
      `  inclusion proof on demand: p50 ${fmt(percentile(proofLatencies, 50), 1)} ms, p95 ${fmt(percentile(proofLatencies, 95), 1)} ms (200 requests)`,
    );

    // 2. Bundles verified per second on one core.
    const files: string[] = [];
    for (let i = 0; i < bundleCount; i++) {
      const bundle = await getJson<EvidenceBundle>(
        `/evidence/batch-items/${ids[i % batches]}/${crypto.randomInt(batchItems)}`,
      );
      files.push(JSON.stringify(bundle));
    }
    // BENCH_SAVE_BUNDLES=FILE keeps the exported bundles (a JSON array of bundle texts) for offline profiling.
    if (process.env.BENCH_SAVE_BUNDLES) fs.writeFileSync(process.env.BENCH_SAVE_BUNDLES, JSON.stringify(files));
    const blocks = new Set(files.map((f) => (JSON.parse(f) as EvidenceBundle).transactions[0].blockNumber)).size;
    const avgKb = files.reduce((a, f) => a + f.length, 0) / files.length / 1024;
    console.log(
      `Verification: ${bundleCount} item bundles (${blocks} distinct blocks, ${fmt(avgKb, 1)} KiB each on average), one process`,
    );
    for (const mode of ['cold', 'warm'] as const) {
      const shared = new EvidenceVerifier();
      let verified = 0;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      while (performance.now() - t0 < verifySeconds * 1000) {
        const bundle = JSON.parse(files[verified % files.length]) as EvidenceBundle;
        const report = (mode === 'warm' ? shared : new EvidenceVerifier()).verify(bundle);
        if (!report.ok)
          throw new Error(
            `bundle ${verified % files.length} failed at step ${report.failedStep}: ${JSON.stringify(report.steps.find((s) => s.status === 'failed'))}`,
          );
        verified++;
      }
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      console.log(
        `  ${mode}: ${fmt(verified / cpuSeconds)} bundles/s per core of CPU (${fmt(verified)} in ${fmt(wall, 1)} s wall, ${fmt(cpuSeconds, 1)} s CPU)`,
      );
    }
    // Bundles whose transaction the verifier has not seen (config and orderer certificates already checked): what a
    // bundle of a distinct record costs — its endorsement and creator signatures, block data hash and signature.
    const firstOfTx = [
      ...new Map(files.map((f) => [(JSON.parse(f) as EvidenceBundle).transactions[0].txId, f])).values(),
    ];
    const fresh = new EvidenceVerifier();
    fresh.verify(JSON.parse(files[0]) as EvidenceBundle);
    const cpu0 = process.cpuUsage();
    for (const f of firstOfTx)
      if (!fresh.verify(JSON.parse(f) as EvidenceBundle).ok) throw new Error('a bundle failed');
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `  new transactions: ${fmt(firstOfTx.length / ((cpu.user + cpu.system) / 1e6))} bundles/s per core of CPU (${firstOfTx.length} bundles of distinct transactions, config already checked)`,
    );
  } finally {
    await gateway.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
