import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { orgByMsp, readConnectionDescription, registerAndEnroll } from '../src/client';
import { loadSettings } from '../src/settings';
import { loadTopology } from '../src/topology';
import { runningPid } from '../src/processes';
import { up } from '../src/network';
import { percentile, processCpuMs, WindowResult } from './stats';

/**
 * `npm run bench:fabric`: the raw ceiling of the network. Sustained anchoring submits straight through
 * fabric-gateway, for BENCH_SECONDS (default 20) at each concurrency in BENCH_CONCURRENCY (default 10,50,100),
 * from 1 and from 2 client processes. Prints tx/s, submit→commit latency percentiles and CPU per process.
 * Runs against the network of LUOHU_BASE_PORT / LUOHU_NETWORK_DIR (the developer's by default), starting it if needed.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const levels = (process.env.BENCH_CONCURRENCY ?? '10,50,100').split(',').map(Number);
const processCounts = (process.env.BENCH_PROCESSES ?? '1,2').split(',').map(Number);

function runWorker(runDir: string, userFile: string, concurrency: number): Promise<WindowResult & { pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        path.join(__dirname, 'fabric-worker.ts'),
        runDir,
        userFile,
        String(concurrency),
        String(seconds),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', (code) =>
      code === 0 ? resolve({ ...JSON.parse(out), pid: child.pid! }) : reject(new Error(`worker exited ${code}`)),
    );
  });
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function main(): Promise<void> {
  const settings = loadSettings();
  const topology = loadTopology(settings);
  await up(settings, topology);
  const description = readConnectionDescription(settings.runDir);
  const housing = orgByMsp(description, 'HousingMSP');
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'luohu-bench-'));
  const users = await Promise.all(
    [0, 1].map(async (i) => {
      const user = await registerAndEnroll(housing, `bench-${i}-${crypto.randomUUID().slice(0, 8)}`, {
        role: 'inspector',
      });
      const file = path.join(userDir, `user-${i}.json`);
      fs.writeFileSync(file, JSON.stringify(user), { mode: 0o600 });
      return file;
    }),
  );

  const nodes = topology.nodes
    .filter((n) => n.kind !== 'ca')
    .map((n) => ({ id: n.id, pid: runningPid(settings, n.id) }));
  console.log(
    `Raw fabric-gateway ceiling — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${seconds} s windows, BatchTimeout ${topology.ordering.batchTimeout}, MaxMessageCount ${topology.ordering.maxMessageCount}`,
  );
  console.log('procs  conc   tx/s  p50 ms  p95 ms  p99 ms  failed  client CPU %  | node CPU % (of one core)');
  for (const procs of processCounts) {
    for (const concurrency of levels) {
      const cpuBefore = nodes.map((n) => (n.pid ? processCpuMs(n.pid) : undefined));
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: procs }, (_, i) =>
          runWorker(settings.runDir, users[i % users.length], Math.ceil(concurrency / procs)),
        ),
      );
      const wall = (Date.now() - started) / 1000;
      const latencies = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
      const committed = results.reduce((a, r) => a + r.committed, 0);
      const failed = results.reduce((a, r) => a + r.failed, 0);
      const window = Math.max(...results.map((r) => r.seconds));
      const clientCpu = results.map((r) => fmt((100 * r.cpuMs) / 1000 / r.seconds)).join('+');
      const nodeCpu = nodes
        .map((n, i) => {
          const after = n.pid ? processCpuMs(n.pid) : undefined;
          const before = cpuBefore[i];
          return `${n.id} ${after !== undefined && before !== undefined ? fmt((100 * (after - before)) / 1000 / wall) : '-'}`;
        })
        .join(', ');
      console.log(
        `${String(procs).padStart(5)} ${String(concurrency).padStart(5)} ${fmt(committed / window, 1).padStart(6)} ${fmt(percentile(latencies, 50)).padStart(7)} ${fmt(percentile(latencies, 95)).padStart(7)} ${fmt(percentile(latencies, 99)).padStart(7)} ${String(failed).padStart(7)}  ${clientCpu.padStart(12)}  | ${nodeCpu}`,
      );
      for (const r of results)
        for (const [message, count] of Object.entries(r.errors)) console.log(`        ${count} × ${message}`);
    }
  }
  console.log(
    '(node CPU is measured over the whole window including worker start-up and warm-up, so it slightly understates load)',
  );
  fs.rmSync(userDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
