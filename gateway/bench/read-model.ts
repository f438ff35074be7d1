import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/platform/logger';
import { createServer } from '../src/server';
import { loadCalendar } from '../src/shared/working-days';
import { percentile } from '../../network/bench/stats';
import { loadSettings } from '../../network/src/settings';

/**
 * `npm run bench:read`: list and detail latency of the read API with BENCH_RECORDS (default 100,000) projects in the
 * read model. Runs a gateway in-process on a database of its own (luohu_bench in the network's FerretDB, never the
 * live read model), loads synthetic projects with insertMany, then times BENCH_REQUESTS (default 400) calls of each kind
 * from BENCH_CLIENTS (default 4) concurrent clients. Goal: p99 ≤ 50 ms.
 */
const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 400);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const STATUSES = ['pre_review', 'correction', 'department_review', 'awaiting_decision', 'approved', 'rejected'];

async function main(): Promise<void> {
  const settings = loadSettings();
  const base = loadConfig({ ...process.env, LUOHU_NETWORK_DIR: settings.runDir });
  const mongoUrl = base.connection.database.url.replace(/\/[^/]*$/, '/luohu_bench');
  const seed = await mongoose.createConnection(mongoUrl).asPromise();
  const projects = seed.collection('projects');
  const have = await projects.estimatedDocumentCount();
  if (have < records) {
    process.stderr.write(`loading ${records - have} projects into luohu_bench…\n`);
    for (let i = have; i < records; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, records - i) }, (_, j) => {
        const n = i + j;
        return { _id: `BENCH-${String(n).padStart(7, '0')}`, id: `BENCH-${String(n).padStart(7, '0')}`, docType: 'project', name: `罗湖区第${n}号工程`, status: STATUSES[n % STATUSES.length], contractorId: `C-${n % 997}`, budget: 1_000_000 + n, _position: n, _transactionId: crypto.createHash('sha256').update(String(n)).digest('hex') };
      });
      await projects.insertMany(batch as never[], { ordered: false });
    }
  }
  await seed.close();

  await loadCalendar();
  const config = loadConfig({ ...process.env, LUOHU_NETWORK_DIR: settings.runDir, MONGO_URL: mongoUrl, PORT: '0', LOG_LEVEL: 'silent', PROJECTOR: 'off', MQTT_URL: 'off' });
  const gateway = await createServer(config, createLogger('silent'));
  const { port } = (await gateway.start()) as AddressInfo;
  const url = `http://127.0.0.1:${port}/v1`;
  const login = await fetch(`${url}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin.housing', password: process.env.LUOHU_ADMIN_PASSWORD ?? 'luohu-admin-dev-only' }) });
  const { token } = (await login.json()) as { token: string };

  const time = async (label: string, path: () => string) => {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: clients }, async () => {
      while (next++ < requests) {
        const t0 = process.hrtime.bigint();
        const res = await fetch(`${url}${path()}`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }));
    latencies.sort((a, b) => a - b);
    console.log(`${label.padEnd(40)} p50 ${percentile(latencies, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(latencies, 99).toFixed(1).padStart(7)} ms`);
  };
  console.log(`Read API with ${records} projects in the read model (FerretDB on ${config.connection.database.backend}), ${clients} clients, ${requests} requests each kind`);
  const rnd = () => Math.floor(Math.random() * records);
  await time('detail GET /projects/{id}', () => `/projects/BENCH-${String(rnd()).padStart(7, '0')}`);
  await time('list GET /projects?contractorId (~100 match)', () => `/projects?contractorId=C-${rnd() % 997}&limit=20`);
  await time('list GET /projects?status (1/6 match)', () => `/projects?status=${STATUSES[rnd() % STATUSES.length]}&limit=20`);
  await gateway.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
