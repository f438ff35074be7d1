import { BENCH_CONTRACTORS, BENCH_STATUSES, benchGateway, benchProjectId } from './bench-projects';
import { percentile } from '../../network/bench/stats';

/**
 * `npm run bench:read`: list and detail latency of the read API with BENCH_RECORDS (default 100,000) projects in the
 * read model. Runs a gateway in-process on a database of its own (luohu_bench in the network's FerretDB, never the
 * live read model), loads synthetic projects with insertMany together with their list buckets (as the projector's
 * build makes them), then times BENCH_REQUESTS (default 400) calls of each kind from BENCH_CLIENTS (default 4)
 * concurrent clients: the detail, and every list shape of /projects, first pages and pages after a random cursor.
 * Goal: p99 ≤ 50 ms. BENCH_LISTS=off leaves the lists unbuilt, so lists take the plain query (the former read path).
 */
const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 400);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const withLists = process.env.BENCH_LISTS !== 'off';
const STATUSES = BENCH_STATUSES;
const CONTRACTORS = BENCH_CONTRACTORS;
const projectId = benchProjectId;

async function main(): Promise<void> {
  const gateway = await benchGateway(records, withLists);
  const { config } = gateway;
  const url = `${gateway.url}/v1`;
  const login = await fetch(`${url}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin.housing', password: config.adminPassword }),
  });
  const { token } = (await login.json()) as { token: string };

  const time = async (
    label: string,
    path: () => string,
    check?: (body: { items?: unknown[]; id?: string }) => boolean,
  ) => {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next++ < requests) {
          const t0 = process.hrtime.bigint();
          const res = await fetch(`${url}${path()}`, { headers: { authorization: `Bearer ${token}` } });
          const body = (await res.json()) as { items?: unknown[]; id?: string };
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} ${JSON.stringify(body)}`);
          if (check && !check(body))
            throw new Error(`${label}: unexpected answer ${JSON.stringify(body).slice(0, 300)}`);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const f = (p: number) => percentile(latencies, p).toFixed(1).padStart(7);
    console.log(`${label.padEnd(58)} p50 ${f(50)}   p95 ${f(95)}   p99 ${f(99)} ms`);
  };
  const full = (b: { items?: unknown[] }) => b.items?.length === 20;
  console.log(
    `Read API with ${records} projects in the read model (FerretDB on ${config.connection.database.backend}), lists ${withLists ? 'from buckets' : 'by plain query'}, ${clients} clients, ${requests} requests each kind`,
  );
  const rnd = () => Math.floor(Math.random() * records);
  const status = () => STATUSES[rnd() % STATUSES.length];
  const cursor = () => projectId(rnd() % (records - 200));
  await time(
    'detail GET /projects/{id}',
    () => `/projects/${projectId(rnd())}`,
    (b) => typeof b.id === 'string',
  );
  await time('list GET /projects (all, first page)', () => '/projects?limit=20', full);
  await time('list GET /projects?after (all, random page)', () => `/projects?limit=20&after=${cursor()}`, full);
  await time('list GET /projects?status (1/6 match, first page)', () => `/projects?status=${status()}&limit=20`, full);
  await time(
    'list GET /projects?status&after (random page)',
    () => `/projects?status=${status()}&limit=20&after=${cursor()}`,
    full,
  );
  await time(
    'list GET /projects?contractorId (~100 match)',
    () => `/projects?contractorId=C-${rnd() % CONTRACTORS}&limit=20`,
    full,
  );
  await time(
    'list GET /projects?contractorId&after (page 3)',
    () => {
      const n = rnd() % CONTRACTORS;
      return `/projects?contractorId=C-${n}&limit=20&after=${projectId(n + 39 * CONTRACTORS)}`;
    },
    full,
  );
  await time('list GET /projects?status&contractorId (~17 match)', () => {
    const n = rnd();
    return `/projects?status=${STATUSES[n % 6]}&contractorId=C-${n % CONTRACTORS}&limit=20`;
  });
  await gateway.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
