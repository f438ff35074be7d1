import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/platform/logger';
import { createServer } from '../src/server';
import { loadCalendar } from '../src/shared/working-days';
import { loadSettings } from '../../network/src/settings';
import { percentile } from '../../network/bench/stats';

/**
 * `npm run bench:projector`: does the projector keep up with the ledger? On a running network where no other gateway
 * projects (a test network, or the dev network with LUOHU_GATEWAY=off: `npm run network -- up`), it starts gateways
 * in-process on the network's database and runs two windows:
 * - sustained: BENCH_RATE (default 20) anchored writes per second, open loop, for BENCH_SECONDS (default 60), with
 *   the projector running: events/s applied and read-model lag p50/p99/max, from a write's commit (its 201 answer)
 *   to the moment the read model holds its whole block (the checkpoint X-Consistent-After waits for, as the
 *   projector in this process saved it: read from memory, so that measuring puts no load on the database);
 * - burst: with no projector, BENCH_BACKLOG (default 2,000) writes committed by BENCH_CLIENTS (default 50) clients;
 *   then a projector starts and catches up: events/s from its first event to its last (the projector's ceiling).
 * BENCH_MODE=sustained|burst runs one of them. Each window also prints where the projector's time went (ms per
 * batch by stage: waiting for events, decoding, reading records, placing them in lists, writing them, splits/merges,
 * directory saves, checkpoint), and the run ends with a summary line to compare runs by, with the load average.
 * The network is the one LUOHU_BASE_PORT / LUOHU_NETWORK_DIR name (as for `npm run network`).
 */
const rate = Number(process.env.BENCH_RATE ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const backlog = Number(process.env.BENCH_BACKLOG ?? 2000);
const clients = Number(process.env.BENCH_CLIENTS ?? 50);
const mode = process.env.BENCH_MODE ?? 'both';

/** What a window measured, for the summary line. */
const results: { rate?: number; lagP50?: number; lagP99?: number; sustainedEps?: number; catchUpEps?: number } = {};

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** The projector's time per batch by stage since `stages` was last reset. */
function stageLine(stages: Gateway['projector']['stages']): string {
  const batches = Math.max(1, stages.batches);
  const parts = Object.entries(stages.snapshot()).map(([stage, ms]) => `${stage} ${(ms / batches).toFixed(1)}`);
  const applied = [...stages.batchMs].sort((a, b) => a - b);
  const loop = eventLoop.percentile(99) / 1e6;
  eventLoop.reset();
  return (
    `  projector stages, ms per batch (${stages.batches} batches, ${(stages.events / batches).toFixed(1)} events ` +
    `each): ${parts.join(', ')}\n  a batch from its hand-over to its checkpoint: p50 ${fmt(percentile(applied, 50))} ` +
    `ms, p99 ${fmt(percentile(applied, 99))} ms, max ${fmt(applied[applied.length - 1])} ms; this process's event ` +
    `loop delay p99 ${fmt(loop)} ms`
  );
}

const eventLoop = monitorEventLoopDelay({ resolution: 10 });
eventLoop.enable();

type Gateway = Awaited<ReturnType<typeof createServer>> & { url: string };

async function gateway(prepare?: (g: Gateway) => void): Promise<Gateway> {
  const settings = loadSettings();
  const config = loadConfig({
    ...process.env,
    LUOHU_NETWORK_DIR: settings.runDir,
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    MQTT_URL: 'off',
    PROJECTOR: 'off', // started by hand below, so that the benchmark decides when the projector runs
  });
  const g = await createServer(config, createLogger(config.logLevel));
  const started = Object.assign(g, { url: '' });
  prepare?.(started);
  const { port } = (await g.start()) as AddressInfo;
  started.url = `http://127.0.0.1:${port}/v1`;
  return started;
}

/** A custodial inspector's session (registered by the Housing admin): the benchmark's writer. */
async function writer(g: Gateway): Promise<string> {
  const config = loadConfig({ ...process.env, LUOHU_NETWORK_DIR: loadSettings().runDir });
  const post = async (route: string, body: unknown, token?: string) => {
    const res = await fetch(`${g.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { token: string };
  };
  const admin = (await post('/sessions', { username: 'admin.housing', password: config.adminPassword })).token;
  const username = `bench-projector-${crypto.randomUUID().slice(0, 8)}`;
  const password = crypto.randomUUID();
  await post(
    '/users',
    { username, password, role: 'inspector', dept: 'housing', displayName: 'projector bench' },
    admin,
  );
  return (await post('/sessions', { username, password })).token;
}

/** One anchored write (the minimal transaction of bench:gateway), answered after its commit: its block. */
async function anchor(g: Gateway, token: string): Promise<number> {
  const batchId = `bench-projector-${crypto.randomUUID()}`;
  const res = await fetch(`${g.url}/batch-anchors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      batchId,
      merkleRoot: crypto.createHash('sha256').update(batchId).digest('hex'),
      itemCount: 1,
      kind: 'bench',
    }),
  });
  const body = (await res.json()) as { receipt?: { blockNumber: number | string } };
  if (res.status !== 201 || !body.receipt) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return Number(body.receipt.blockNumber);
}

interface Checkpoint {
  blockNumber: number;
  blockComplete: boolean;
}

/**
 * The checkpoint as the projector in this process last saved it: the moment its save returns, the read model holds
 * the block (read from memory, so that measuring costs the database nothing).
 */
const readCheckpoint = (g: Gateway): Checkpoint =>
  g.projector.checkpoint.block ?? { blockNumber: -1, blockComplete: false };

const covers = (c: Checkpoint, block: number) => c.blockNumber > block || (c.blockNumber === block && c.blockComplete);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilCovered(g: Gateway, block: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!covers(readCheckpoint(g), block)) {
    if (Date.now() > deadline) throw new Error(`the projector did not reach block ${block} in ${timeoutMs} ms`);
    await sleep(25);
  }
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');

/** Open loop at `rate` writes/s with the projector running: lag from each write's commit to its block in the read model. */
async function sustained(): Promise<void> {
  let applied = 0;
  const g = await gateway((g) => {
    g.projector.beforeApply = async () => {
      applied++;
    };
  });
  try {
    const token = await writer(g);
    g.projector.start();
    await untilCovered(g, await anchor(g, token), 600_000); // caught up with the ledger before measuring
    const pending: Array<{ block: number; at: number }> = [];
    const lags: number[] = [];
    let failed = 0;
    let writing = true;
    const appliedBefore = applied;
    g.projector.stages.reset();
    eventLoop.reset();
    const started = performance.now();
    let lastVisible = started;
    const poller = (async () => {
      while (writing || pending.length) {
        const c = readCheckpoint(g);
        const now = performance.now();
        for (let i = pending.length - 1; i >= 0; i--)
          if (covers(c, pending[i].block)) {
            lags.push(Math.max(0, now - pending.splice(i, 1)[0].at));
            lastVisible = now;
          }
        await sleep(5);
      }
    })();
    const writes: Promise<void>[] = [];
    for (let n = 0; n < rate * seconds; n++) {
      await sleep(Math.max(0, started + (n * 1000) / rate - performance.now()));
      writes.push(
        anchor(g, token).then(
          (block) => void pending.push({ block, at: performance.now() }),
          () => void failed++,
        ),
      );
    }
    await Promise.all(writes);
    const committedBy = performance.now();
    writing = false;
    await Promise.race([poller, sleep(60_000)]);
    lags.sort((a, b) => a - b);
    const window = (lastVisible - started) / 1000;
    Object.assign(results, {
      rate,
      lagP50: percentile(lags, 50),
      lagP99: percentile(lags, 99),
      sustainedEps: (applied - appliedBefore) / window,
    });
    console.log(
      `sustained: ${rate} writes/s offered for ${seconds} s: ${lags.length} committed in ` +
        `${((committedBy - started) / 1000).toFixed(1)} s (${failed} failed); the projector applied ` +
        `${((applied - appliedBefore) / window).toFixed(1)} events/s until the last was visible; read-model lag ` +
        `p50 ${fmt(percentile(lags, 50))} ms, p99 ${fmt(percentile(lags, 99))} ms, max ${fmt(lags[lags.length - 1])} ms` +
        (pending.length ? `; ${pending.length} not visible 60 s after the last commit` : ''),
    );
    console.log(stageLine(g.projector.stages));
  } finally {
    await g.stop();
  }
}

/** A backlog committed with no projector running, then caught up by a fresh one: the projector's events/s. */
async function burst(): Promise<void> {
  const w = await gateway();
  let last = -1;
  try {
    const token = await writer(w);
    let next = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next++ < backlog) last = Math.max(last, await anchor(w, token).catch(() => (failed++, -1)));
      }),
    );
    console.log(
      `burst: ${backlog - failed} writes committed in ${((performance.now() - started) / 1000).toFixed(1)} s by ` +
        `${clients} clients with no projector running (${failed} failed)`,
    );
  } finally {
    await w.stop();
  }
  let applied = 0;
  let first = 0;
  const g = await gateway((g) => {
    g.projector.beforeApply = async () => {
      first ||= performance.now();
      applied++;
    };
  });
  try {
    eventLoop.reset();
    g.projector.start();
    await untilCovered(g, last, 1_800_000);
    const elapsed = (performance.now() - first) / 1000;
    results.catchUpEps = applied / elapsed;
    console.log(
      `burst: the projector caught up with ${applied} events in ${elapsed.toFixed(1)} s: ${(applied / elapsed).toFixed(1)} events/s`,
    );
    console.log(stageLine(g.projector.stages));
  } finally {
    await g.stop();
  }
}

async function main(): Promise<void> {
  await loadCalendar();
  const loadBefore = load();
  if (mode !== 'burst') await sustained();
  if (mode !== 'sustained') await burst();
  const summary = [
    results.catchUpEps !== undefined && `catch-up ${results.catchUpEps.toFixed(1)} events/s (goal >= 100)`,
    results.rate !== undefined &&
      `lag at ${results.rate} writes/s p50 ${fmt(results.lagP50!)} ms, p99 ${fmt(results.lagP99!)} ms (goal p99 <= 1000)`,
  ].filter(Boolean);
  console.log(`SUMMARY: ${summary.join(' | ')} | load average ${loadBefore} at start, ${load()} at end`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
