import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/platform/logger';
import { createServer } from '../src/server';
import { loadCalendar } from '../src/shared/working-days';
import { loadSettings } from '../../network/src/settings';
import { ensureJsonIndexes } from '../src/platform/postgres-indexes';
import {
  builtId,
  LABELS,
  LISTS_COLLECTION,
  planLists,
  shapesSignature,
  stored,
  versionDoc,
} from '../src/projection/list-shapes';
import { readModelCollections } from '../src/projection/read-model';

/** The synthetic district of the read benchmarks (bench:read, bench:app): projects in every status, many contractors. */
export const BENCH_STATUSES = [
  'pre_review',
  'correction',
  'department_review',
  'awaiting_decision',
  'approved',
  'rejected',
];
export const BENCH_CONTRACTORS = 997;

export const benchProjectId = (n: number) => `BENCH-${String(n).padStart(7, '0')}`;
const project = (n: number) => ({
  _id: benchProjectId(n),
  id: benchProjectId(n),
  // Spread over Luohu (WGS-84), so that the public map's nearby query has the district's density to filter.
  lat: 22.53 + ((n % 97) / 97) * 0.06,
  lng: 114.09 + ((n % 89) / 89) * 0.09,
  location: `罗湖区第${n % 50}号地块`,
  type: 'road',
  docType: 'project',
  name: `罗湖区第${n}号工程`,
  status: BENCH_STATUSES[n % BENCH_STATUSES.length],
  contractorId: `C-${n % BENCH_CONTRACTORS}`,
  budget: 1_000_000 + n,
  _position: n,
  _transactionId: crypto.createHash('sha256').update(String(n)).digest('hex'),
});

/**
 * Loads `records` synthetic projects with their list buckets (once per database; again when their shape changed) and
 * marks their lists built, or not (`withLists` false: lists take the plain query).
 */
export async function loadBenchProjects(
  mongoUrl: string,
  postgresUrl: string | undefined,
  records: number,
  withLists: boolean,
): Promise<void> {
  const seed = await mongoose.createConnection(mongoUrl).asPromise();
  const projects = seed.collection('projects');
  const lists = seed.collection(LISTS_COLLECTION);
  const mark = await lists.findOne({ _id: builtId('projects') as never });
  const have = await projects.estimatedDocumentCount();
  const labelled =
    (await projects.findOne({}))?.[LABELS] !== undefined &&
    (await lists.findOne({ collection: 'projects', changing: false })) !== null;
  const placed = (await projects.findOne({}))?.lat !== undefined;
  if (have !== records || !labelled || !placed || (mark && mark.shapes !== shapesSignature('projects'))) {
    process.stderr.write(`loading ${records} projects and their lists into luohu_bench…\n`);
    await projects.drop().catch(() => undefined);
    await lists.deleteMany({ collection: 'projects' });
    await lists.deleteOne({ _id: builtId('projects') as never });
    // Indexes first, so that FerretDB's connections plan with them from the start.
    if (postgresUrl) await ensureJsonIndexes(seed, readModelCollections(), postgresUrl, createLogger('silent'));
    const all = Array.from({ length: records }, (_, n) => project(n));
    const { labels, directories } = planLists('projects', all, 2 * Date.now());
    for (let i = 0; i < records; i += 5000) {
      await projects.insertMany(all.slice(i, i + 5000).map((p) => ({ ...p, [LABELS]: labels.get(p._id) })) as never[], {
        ordered: false,
      });
    }
    await lists.insertMany([...directories.map(stored), ...directories.map((d) => versionDoc(d))] as never[]);
  }
  // The read model has applied every event up to the newest record (as if projected): no read waits for the projector.
  await seed
    .collection('checkpoints')
    .updateOne(
      { _id: 'read-model' as never },
      { $max: { position: records + 1 }, $setOnInsert: { blockNumber: 0, index: 0, blockComplete: true } },
      { upsert: true },
    );
  if (withLists)
    await lists.updateOne(
      { _id: builtId('projects') as never },
      { $set: { collection: '@built', shapes: shapesSignature('projects') } },
      { upsert: true },
    );
  else await lists.deleteOne({ _id: builtId('projects') as never });
  await seed.close();
}

/**
 * A gateway in-process on the bench database with `records` synthetic projects loaded (no projector, no MQTT): its
 * base URL (no /v1), its config (the admin password) and how to stop it. `env` adds settings (the app's directory).
 */
export async function benchGateway(records: number, withLists: boolean, env: Record<string, string> = {}) {
  const settings = loadSettings();
  const base = loadConfig({ ...process.env, LUOHU_NETWORK_DIR: settings.runDir });
  const mongoUrl = base.connection.database.url.replace(/\/luohu(\?|$)/, '/luohu_bench$1');
  await loadBenchProjects(mongoUrl, base.connection.database.postgresql, records, withLists);
  await loadCalendar();
  const config = loadConfig({
    ...process.env,
    LUOHU_NETWORK_DIR: settings.runDir,
    MONGO_URL: mongoUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PROJECTOR: 'off',
    MQTT_URL: 'off',
    ...env,
  });
  const gateway = await createServer(config, createLogger('silent'));
  const { port } = (await gateway.start()) as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, config, stop: () => gateway.stop() };
}
