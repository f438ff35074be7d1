import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config';
import { readModelEnrichers } from '../src/domains';
import type { RecordKind } from '@luohu/domain';
import { FileStore } from '../src/documents/file-store';
import { CertificateAuthority } from '../src/identity/certificate-authority';
import { EVENTS_READER, IdentityService } from '../src/identity/identity-service';
import { Ledger } from '../src/ledger/ledger';
import { createLogger } from '../src/platform/logger';
import { ReadModel, readModelCollections, type RecordType } from '../src/projection/read-model';
import {
  LedgerRecords,
  type LedgerVersion,
  type RecordHistories,
  type RecordRef,
} from '../src/reconciliation/ledger-records';
import { DEFAULT_OPTIONS, Reconciler } from '../src/reconciliation/reconciler';
import { emptyProgress, ReconciliationStore } from '../src/reconciliation/store';
import { loadCalendar } from '../src/shared/working-days';
import { percentile } from '../../network/bench/stats';
import { loadSettings } from '../../network/src/settings';

/**
 * `npm run bench:reconcile` (LUOHU_BASE_PORT / LUOHU_NETWORK_DIR name the network): what a reconciliation
 * pass costs, in two parts that a real pass adds up.
 *  1. The database side at BENCH_RECORDS (default 100,000) projects, in a database of its own (luohu_bench_reconcile):
 *     streaming the collection, re-deriving the enriched fields, the canonical comparison, findings for the
 *     BENCH_TAMPERED records edited behind the projection, progress saves; plus BENCH_FILES stored files re-hashed.
 *     The ledger is a stand-in that answers each history from memory, so this part is the gateway and FerretDB alone.
 *  2. The ledger side over the network's real records, BENCH_LEDGER_READS records per row, back to back: one
 *     `audit:recordHistory` per record (how runs read before), then `audit:readCurrentVersions` per batch of records
 *     (how runs read now, a record's history being read only when it claims another version than the current one).
 */
const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const tampered = Number(process.env.BENCH_TAMPERED ?? 100);
const files = Number(process.env.BENCH_FILES ?? 50);
const fileBytes = Number(process.env.BENCH_FILE_BYTES ?? 1024 * 1024);
const ledgerReads = Number(process.env.BENCH_LEDGER_READS ?? 2000);

const projectId = (n: number) => `RCN-${String(n).padStart(7, '0')}`;
const txId = (n: number) => crypto.createHash('sha256').update(`tx${n}`).digest('hex');
const ledgerValue = (n: number): Record<string, unknown> => ({
  docType: 'project',
  id: projectId(n),
  name: `罗湖区第${n}号道路改造工程`,
  type: 'road',
  status: 'approved',
  budget: 1_000_000 + n,
  location: `深圳市罗湖区东门 (22.${5400 + (n % 100)},114.${1200 + (n % 100)})`,
  contractorId: `C-${n % 997}`,
  files: [{ kind: 'site_plan', sha256: crypto.createHash('sha256').update(String(n)).digest('hex') }],
  history: [{ step: 'apply', at: '2026-03-01T02:00:00.000Z', by: { mspId: 'HousingMSP', id: 'contractor' } }],
});

const rss = () => `${Math.round(process.memoryUsage().rss / 1e6)} MB`;

async function seed(connection: mongoose.Connection, readModel: ReadModel): Promise<void> {
  const projects = readModel.model('project');
  if ((await projects.estimatedDocumentCount()) === records) return;
  process.stderr.write(
    `loading ${records} projects (${tampered} of them edited behind the projection) and ${files} files…\n`,
  );
  await projects.collection.drop().catch(() => undefined);
  const enrich = readModelEnrichers.project!;
  for (let i = 0; i < records; i += 5000) {
    const batch = [];
    for (let n = i; n < Math.min(records, i + 5000); n++) {
      const value = ledgerValue(n);
      batch.push({
        ...value,
        ...enrich(value),
        _id: projectId(n),
        _position: n,
        _transactionId: txId(n),
        ...(n % Math.ceil(records / tampered) === 0 ? { budget: 1 } : {}),
      });
    }
    await projects.collection.insertMany(batch as never[]);
  }
  const store = new FileStore(connection, 64 * 1024 * 1024);
  for (let i = 0; i < files; i++)
    await store.save(Readable.from([crypto.randomBytes(fileBytes)]), {
      contentType: 'application/pdf',
      filename: null,
      uploadedBy: 'bench',
    });
}

async function databaseSide(mongoUrl: string) {
  const connection = await mongoose.createConnection(mongoUrl).asPromise();
  const readModel = new ReadModel(connection, readModelEnrichers);
  await seed(connection, readModel);
  const versionOf = (key: string[]): LedgerVersion => {
    const n = Number(key[0].slice(4));
    return { txId: txId(n), timestamp: '2026-03-01T02:00:00.000Z', isDelete: false, value: ledgerValue(n) };
  };
  const standIn: RecordHistories = {
    async history(_kind: RecordKind, key: string[]) {
      return [versionOf(key)];
    },
    async currentVersions(refs: RecordRef[]) {
      return refs.map(({ key }) => versionOf(key));
    },
  };
  const store = new ReconciliationStore(connection);
  await store.findings.deleteMany({});
  const reconciler = new Reconciler({
    readModel,
    files: new FileStore(connection, 64 * 1024 * 1024),
    ledger: standIn,
    store,
    enrichers: () => readModelEnrichers as Partial<Record<RecordType, never>>,
    onFinding: () => undefined,
    logger: createLogger('silent'),
  });
  const run = await store.startRun('request', 'bench', 'bench');
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  const started = Date.now();
  const progress = await reconciler.run(run._id, emptyProgress());
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  // What one keyset page would cost instead (FerretDB reads every _id above the cursor, sorts, then limits).
  const keysetMs: number[] = [];
  for (const at of [0.25, 0.5, 0.75]) {
    const t0 = Date.now();
    await readModel
      .model('project')
      .find({ _id: { $gt: projectId(Math.floor(records * at)) } })
      .sort({ _id: 1 })
      .limit(DEFAULT_OPTIONS.pageSize)
      .lean();
    keysetMs.push(Date.now() - t0);
  }
  console.log(
    `database side, ${records} projects + ${files} files of ${fileBytes / 1e6} MB (FerretDB on PostgreSQL), ledger stand-in:`,
  );
  console.log(
    `  one keyset page instead (_id > cursor at 1/4, 1/2, 3/4; sort; limit ${DEFAULT_OPTIONS.pageSize}): ${keysetMs.join(', ')} ms — ${records / DEFAULT_OPTIONS.pageSize} such pages per pass`,
  );
  console.log(
    `  pass: ${seconds.toFixed(1)} s — ${(progress.recordsChecked / seconds).toFixed(0)} records/s; ${progress.recordsChecked} records, ${progress.filesChecked} files, ${progress.differences} differences, ${progress.newFindings} findings; peak RSS ${Math.round(peak / 1e6)} MB`,
  );
  await connection.close();
  return progress.recordsChecked / seconds;
}

async function ledgerSide(config: ReturnType<typeof loadConfig>) {
  const logger = createLogger('silent');
  const connection = await mongoose.createConnection(config.mongoUrl).asPromise();
  const identities = new IdentityService(
    connection,
    new CertificateAuthority(config.connection),
    config.keyEncryptionKey,
    config.sessionTtlMs,
    logger,
  );
  const ledger = new Ledger(config.connection, logger);
  const reader = new LedgerRecords(ledger, () => identities.signer(EVENTS_READER));
  const readModel = new ReadModel(connection, readModelEnrichers);
  const keys: Array<{ kind: RecordKind; key: string[] }> = [];
  for (const kind of [
    'project',
    'contractor',
    'document',
    'contract',
    'milestone',
    'complaint',
    'payout',
  ] as RecordKind[]) {
    for (const doc of await readModel
      .model(kind as RecordType)
      .find({}, { _id: 1 })
      .limit(500)
      .lean())
      keys.push({ kind, key: String(doc._id).split('/') });
  }
  if (keys.length === 0)
    throw new Error(`the read model of ${config.mongoUrl} is empty: run the gateway tests on this network first`);
  console.log(
    `ledger side over ${keys.length} real records of the network (${readModelCollections().length} collections), ${ledgerReads} records per row:`,
  );
  /** Reads `ledgerReads` records, `perCall` per call, `concurrency` calls in flight; prints records/s and call latencies. */
  const measure = async (
    label: string,
    perCall: number,
    concurrency: number,
    read: (refs: RecordRef[]) => Promise<unknown>,
  ) => {
    const latencies: number[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ledgerReads) {
          const refs = Array.from(
            { length: Math.min(perCall, keys.length, ledgerReads - next) },
            (_, i) => keys[(next + i) % keys.length],
          );
          next += refs.length;
          const t0 = process.hrtime.bigint();
          await read(refs);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const rate = ledgerReads / ((Date.now() - started) / 1000);
    latencies.sort((a, b) => a - b);
    console.log(
      `  ${label.padEnd(44)} ${rate.toFixed(0).padStart(6)} records/s   per call p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   (RSS ${rss()})`,
    );
    return rate;
  };
  const rows = (process.env.BENCH_LEDGER_ROWS ?? 'h1,h16,h32,b50x1,b50x4,b50x8,b200x1,b200x2,b200x4').split(',');
  let best = 0;
  for (const row of rows) {
    const history = /^h(\d+)$/.exec(row);
    const batched = /^b(\d+)x(\d+)$/.exec(row);
    if (history)
      await measure(`recordHistory, concurrency ${history[1]}`, 1, Number(history[1]), ([r]) =>
        reader.history(r.kind, r.key),
      );
    else if (batched)
      best = Math.max(
        best,
        await measure(
          `readCurrentVersions, ${batched[1]} per call, ${batched[2]} in flight`,
          Number(batched[1]),
          Number(batched[2]),
          (refs) => reader.currentVersions(refs),
        ),
      );
    else throw new Error(`BENCH_LEDGER_ROWS: ${row} is neither h<concurrency> nor b<batch>x<concurrency>`);
  }
  ledger.close();
  await connection.close();
  return best;
}

async function main(): Promise<void> {
  await loadCalendar();
  const settings = loadSettings();
  const config = loadConfig({
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'test',
    LUOHU_NETWORK_DIR: settings.runDir,
    LOG_LEVEL: 'silent',
  });
  const dbRate = await databaseSide(config.mongoUrl.replace(/\/[^/?]*(\?|$)/, '/luohu_bench_reconcile$1'));
  if (ledgerReads === 0) return;
  const ledgerRate = await ledgerSide(config);
  const estimate = records / dbRate + records / ledgerRate;
  console.log(
    `a pass over ${records} records ≈ ${(estimate / 60).toFixed(1)} min (database side + batched ledger reads at the best setting measured, one after the other per page)`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
