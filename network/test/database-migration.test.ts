import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { run } from '../src/exec';
import { ensureCluster, ensureDatabase, postgresProcess, psql, writeSettings } from '../src/database';
import { start, stop, waitFor } from '../src/processes';
import { loadSettings, Settings } from '../src/settings';
import { loadTopology, Topology } from '../src/topology';

/** The old layout kept the read model in a database on the machine's shared PostgreSQL (trust auth). */
const SHARED = 'postgres://postgres@127.0.0.1:5432';

describe('a network data dir from the old database layout', function () {
  this.timeout(120_000);
  // A scratch instance beside the suite's network (base port + 40: only its PostgreSQL port is opened).
  const basePort = Number(process.env.LUOHU_TEST_BASE_PORT ?? 17000) + 40;
  const oldDatabase = `luohu_migration_${basePort}`;
  let s: Settings;
  let t: Topology;

  beforeEach(() => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'luohu-migration-'));
    fs.chmodSync(runDir, 0o755);
    s = loadSettings({ ...process.env, LUOHU_BASE_PORT: String(basePort), LUOHU_NETWORK_DIR: runDir });
    t = loadTopology(s);
    fs.mkdirSync(path.join(runDir, 'data', 'database'), { recursive: true });
  });

  afterEach(async () => {
    await stop(s, 'database-postgres', 30_000);
    fs.rmSync(s.runDir, { recursive: true, force: true });
    await run('psql', [`${SHARED}/postgres`, '-tAc', `DROP DATABASE IF EXISTS ${oldDatabase} WITH (FORCE)`]).catch(
      () => undefined,
    );
  });

  const startFirstCluster = async () => {
    const pg = t.postgres[0];
    ensureCluster(s, pg);
    writeSettings(s, pg);
    start(s, postgresProcess(s, pg));
    await waitFor('PostgreSQL', async () => (await psql(s, pg.listen, 'postgres', 'SELECT 1')).trim() === '1', 60_000);
  };
  const writeOldChoice = (choice: object) =>
    fs.writeFileSync(path.join(s.runDir, 'data', 'database', 'backend.json'), JSON.stringify(choice));

  it("when its read model is on the shared PostgreSQL, then up moves it into the network's own cluster and keeps it", async () => {
    await run('psql', [`${SHARED}/postgres`, '-tAc', `DROP DATABASE IF EXISTS ${oldDatabase} WITH (FORCE)`]);
    await run('psql', [`${SHARED}/postgres`, '-tAc', `CREATE DATABASE ${oldDatabase}`]);
    await run('psql', [
      `${SHARED}/${oldDatabase}`,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      'CREATE SCHEMA luohu; CREATE TABLE luohu.sessions_1 (_jsonb jsonb); INSERT INTO luohu.sessions_1 VALUES (\'{"_id":"kept"}\');',
    ]);
    writeOldChoice({ backend: 'postgresql', url: `${SHARED}/${oldDatabase}`, database: oldDatabase });

    await startFirstCluster();
    await ensureDatabase(s, t.postgres[0]);

    expect(
      (await psql(s, t.postgres[0].listen, 'luohu', "SELECT _jsonb->>'_id' FROM luohu.sessions_1")).trim(),
    ).to.equal('kept');
    expect(fs.existsSync(path.join(s.runDir, 'data', 'database', 'backend.json.migrated'))).to.equal(true);
  });

  it("when its read model is in FerretDB's SQLite backend, then up refuses with a message saying what to do, and deletes nothing", async () => {
    const sqliteDir = path.join(s.runDir, 'data', 'database', 'sqlite');
    fs.mkdirSync(sqliteDir);
    fs.writeFileSync(path.join(sqliteDir, 'luohu.sqlite'), 'data');
    writeOldChoice({ backend: 'sqlite', url: `file:${sqliteDir}/`, database: 'luohu' });

    await startFirstCluster();
    const refusal = await ensureDatabase(s, t.postgres[0]).then(
      () => 'accepted',
      (err: Error) => err.message,
    );

    expect(refusal).to.match(/SQLite backend .* cannot be moved automatically; back up .* and run `network clean`/);
    expect(fs.readFileSync(path.join(sqliteDir, 'luohu.sqlite'), 'utf8')).to.equal('data');
  });
});
