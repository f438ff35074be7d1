import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { orgByMsp, readConnectionDescription, registerAndEnroll } from '../../network/src/client';
import { up } from '../../network/src/network';
import { runningPid } from '../../network/src/processes';
import { loadSettings } from '../../network/src/settings';
import { ADMIN_PASSWORD_SECRET, InstallationSecrets } from '../src/platform/installation-secrets';
import { enrollKey, signIn } from '../src/client/signing-client';
import { exportPrivateKey } from '../src/device-client/keys';
import { address, loadTopology } from '../../network/src/topology';
import { percentile, processCpuMs, WindowResult } from '../../network/bench/stats';

/**
 * `npm run bench:gateway`: anchored writes through the gateway's HTTP API side by side with the raw fabric-gateway
 * ceiling and with the client-signed path (a user who holds their own key signs the proposal and the transaction:
 * "signd", with its throughput relative to the custodial HTTP path and the latency it adds at p50), at each concurrency in BENCH_CONCURRENCY (default 10,50,100), BENCH_SECONDS (default 20) per window;
 * prints tx/s, latency percentiles, the HTTP/raw ratio and the gateway's CPU; then an overload window
 * (BENCH_OVERLOAD, default 1000 clients) showing back-pressure (503 + Retry-After) instead of an unbounded queue: how
 * many writes were accepted and committed (and how fast), how many were refused and how fast the refusal came.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const levels = (process.env.BENCH_CONCURRENCY ?? '10,50,100').split(',').map(Number);
const overload = Number(process.env.BENCH_OVERLOAD ?? 1000);
const tsx = require.resolve('tsx/cli');

type Result = WindowResult & { shed?: number; shedLatenciesMs?: number[]; phases?: Record<string, number[]> };

function worker(script: string, args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, path.join(__dirname, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${script} exited ${code}`)),
    );
  });
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');

function line(label: string, c: number, r: Result, cpu?: number): string {
  const lat = [...r.latenciesMs].sort((a, b) => a - b);
  return `${label.padEnd(5)} ${String(c).padStart(5)} ${fmt(r.committed / r.seconds, 1).padStart(7)} ${fmt(percentile(lat, 50)).padStart(7)} ${fmt(percentile(lat, 95)).padStart(7)} ${fmt(percentile(lat, 99)).padStart(7)} ${String(r.failed - (r.shed ?? 0)).padStart(7)} ${String(r.shed ?? 0).padStart(6)} ${cpu === undefined ? '' : fmt(cpu).padStart(8)}`;
}

/** Where an accepted write's time went: each Server-Timing phase, and what lies outside them (p50 and p95 apart). */
function phaseLine(r: Result): string {
  const order = ['outside', 'auth', 'admission', 'lookup', 'endorse', 'record', 'commit', 'receipt'];
  const names = Object.keys(r.phases ?? {}).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const at = (n: string, p: number) =>
    fmt(
      percentile(
        [...r.phases![n]].sort((a, b) => a - b),
        p,
      ),
    );
  return `      ms by phase (p50/p95): ${names.map((n) => `${n} ${at(n, 50)}/${at(n, 95)}`).join(', ')}`;
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const topology = loadTopology(settings);
  await up(settings, topology); // starts the gateway too (LUOHU_GATEWAY must not be off)
  // BENCH_GATEWAY_URL (+ BENCH_GATEWAY_PID for its CPU): another build of the gateway on the same network, for A/B runs.
  const url = process.env.BENCH_GATEWAY_URL ?? `http://${address(topology.gateway.listen)}`;
  const gatewayPid = process.env.BENCH_GATEWAY_URL
    ? Number(process.env.BENCH_GATEWAY_PID) || undefined
    : runningPid(settings, topology.gateway.id);
  const description = readConnectionDescription(settings.runDir);

  // A raw fabric-gateway user and an HTTP user of the same bureau and role.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luohu-bench-'));
  const rawUserFile = path.join(dir, 'raw.json');
  fs.writeFileSync(
    rawUserFile,
    JSON.stringify(
      await registerAndEnroll(orgByMsp(description, 'HousingMSP'), `bench-raw-${crypto.randomUUID().slice(0, 8)}`, {
        role: 'inspector',
      }),
    ),
    { mode: 0o600 },
  );
  const adminPassword = new InstallationSecrets(settings.runDir).get(
    ADMIN_PASSWORD_SECRET,
    process.env.LUOHU_ADMIN_PASSWORD,
    18,
  );
  const post = async (route: string, body: unknown, token?: string) => {
    const res = await fetch(`${url}/v1${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ token: string }>;
  };
  const admin = (await post('/sessions', { username: 'admin.housing', password: adminPassword })).token;
  const username = `bench-http-${crypto.randomUUID().slice(0, 8)}`;
  const password = crypto.randomUUID();
  await post(
    '/users',
    { username, password, role: 'inspector', dept: 'housing', displayName: 'HTTP benchmark' },
    admin,
  );
  const token = (await post('/sessions', { username, password })).token;
  // The same role holding its own key (registered without a password): every write signed on the client.
  const signerName = `bench-signed-${crypto.randomUUID().slice(0, 8)}`;
  const registered = (await post(
    '/users',
    { username: signerName, role: 'inspector', dept: 'housing', displayName: 'client-signed benchmark' },
    admin,
  )) as unknown as { enrollment: { code: string } };
  const holder = await enrollKey(url, signerName, registered.enrollment.code, true);
  const keyFile = path.join(dir, 'signed.pem');
  fs.writeFileSync(keyFile, await exportPrivateKey(holder.privateKey), { mode: 0o600 });
  const signedToken = await signIn(url, holder);

  console.log(
    `Anchored writes: HTTP API vs raw fabric-gateway — ${os.cpus().length} cores, ${seconds} s windows, BatchTimeout ${topology.ordering.batchTimeout}`,
  );
  console.log('path   conc    tx/s  p50 ms  p95 ms  p99 ms  failed   shed  gw CPU%   ratio');
  for (const c of levels) {
    const raw = await worker('../../network/bench/fabric-worker.ts', [
      settings.runDir,
      rawUserFile,
      String(c),
      String(seconds),
    ]);
    const before = gatewayPid ? processCpuMs(gatewayPid) : undefined;
    const http = await worker('http-worker.ts', [url, token, String(c), String(seconds)]);
    const after = gatewayPid ? processCpuMs(gatewayPid) : undefined;
    const cpu =
      before !== undefined && after !== undefined ? (100 * (after - before)) / 1000 / (seconds + 2) : undefined;
    console.log(line('raw', c, raw));
    console.log(
      `${line('http', c, http, cpu)}   ${fmt(http.committed / http.seconds / (raw.committed / raw.seconds), 2)}×`,
    );
    console.log(phaseLine(http));
    const signed = await worker('http-worker.ts', [url, signedToken, String(c), String(seconds), keyFile]);
    const p50 = (r: Result) =>
      percentile(
        [...r.latenciesMs].sort((a, b) => a - b),
        50,
      );
    console.log(
      `${line('signd', c, signed)}   ${fmt(signed.committed / signed.seconds / (http.committed / http.seconds), 2)}× http, +${fmt(p50(signed) - p50(http))} ms p50`,
    );
  }
  const burst = await worker('http-worker.ts', [url, token, String(overload), String(Math.min(seconds, 15))]);
  console.log(line('burst', overload, burst));
  const shedLat = [...(burst.shedLatenciesMs ?? [])].sort((a, b) => a - b);
  console.log(
    `      accepted and committed ${burst.committed} (p50 ${fmt(
      percentile(
        [...burst.latenciesMs].sort((a, b) => a - b),
        50,
      ),
    )} ms), shed ${burst.shed ?? 0} (answered in p50 ${fmt(percentile(shedLat, 50))} ms / p99 ${fmt(percentile(shedLat, 99))} ms), other failures ${burst.failed - (burst.shed ?? 0)}`,
  );
  console.log(phaseLine(burst));
  for (const [message, count] of Object.entries(burst.errors))
    if (!message.startsWith('shed')) console.log(`      ${count} × ${message}`);
  console.log(
    `(burst: ${overload} clients against SUBMIT_CONCURRENCY+SUBMIT_QUEUE of the gateway; "shed" = answered 503/429 with Retry-After at once)`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
