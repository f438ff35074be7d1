import fs from 'node:fs';
import path from 'node:path';
import { binary } from './binaries';
import { run } from './exec';
import { layout } from './layout';
import { ProcessSpec } from './processes';
import { note } from './progress';
import { Settings } from './settings';
import { address, DatabaseNode } from './topology';

/** Which backend an instance's FerretDB runs on; chosen once, then kept (switching would strand the data). */
export interface DatabaseChoice { backend: 'postgresql' | 'sqlite'; url: string; database: string }

const choiceFile = (s: Settings) => path.join(layout(s).dataDir({ id: 'database' } as DatabaseNode), 'backend.json');

export const mongoUrl = (db: DatabaseNode) => `mongodb://${address(db.listen)}/luohu`;

export function currentDatabase(s: Settings): DatabaseChoice | undefined {
  try {
    return JSON.parse(fs.readFileSync(choiceFile(s), 'utf8'));
  } catch {
    return undefined;
  }
}

async function psql(serverUrl: string, sql: string): Promise<string> {
  return run('psql', [`${serverUrl}/postgres`, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { env: { ...process.env, PGCONNECT_TIMEOUT: '3' } });
}

/** PostgreSQL when reachable (FerretDB's faster backend here), else embedded SQLite; the instance's own database either way. */
export async function chooseDatabase(s: Settings, db: DatabaseNode): Promise<DatabaseChoice> {
  const existing = currentDatabase(s);
  if (existing) return existing;
  const name = `luohu_${s.basePort}`;
  let choice: DatabaseChoice | undefined;
  if (db.backend !== 'sqlite') {
    try {
      // A new instance (no choice recorded in its run dir) starts from an empty database: one left behind by an
      // earlier instance on the same base port holds another network's read model and keys sealed under another key.
      await psql(db.postgresql, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await psql(db.postgresql, `CREATE DATABASE ${name}`);
      choice = { backend: 'postgresql', url: `${db.postgresql}/${name}`, database: name };
    } catch (err) {
      if (db.backend === 'postgresql') throw new Error(`PostgreSQL at ${db.postgresql} is not usable: ${(err as Error).message}`);
      note(`no PostgreSQL reachable at ${db.postgresql}; FerretDB falls back to its embedded SQLite backend`);
    }
  }
  choice ??= { backend: 'sqlite', url: `file:${path.join(layout(s).dataDir(db), 'sqlite')}/`, database: name };
  fs.mkdirSync(path.dirname(choiceFile(s)), { recursive: true });
  if (choice.backend === 'sqlite') fs.mkdirSync(path.join(layout(s).dataDir(db), 'sqlite'), { recursive: true });
  fs.writeFileSync(choiceFile(s), JSON.stringify(choice, null, 2));
  return choice;
}

/**
 * PostgreSQL connections FerretDB may hold. Its default (50, kept idle for half an hour) lets two networks on one
 * server (a developer's and the test suite's, max_connections 100 by default) refuse each other's clients; the
 * gateway's own pool is 20 connections, so FerretDB never needs more than a few above that.
 */
const FERRETDB_POSTGRES_CONNECTIONS = 24;

export function databaseProcess(s: Settings, db: DatabaseNode, choice: DatabaseChoice): ProcessSpec {
  const dir = layout(s).dataDir(db);
  return {
    id: db.id,
    program: binary(s, 'ferretdb'),
    args: [
      `--handler=${choice.backend}`,
      choice.backend === 'postgresql' ? `--postgresql-url=${choice.url}?pool_max_conns=${FERRETDB_POSTGRES_CONNECTIONS}` : `--sqlite-url=${choice.url}`,
      `--listen-addr=${address(db.listen)}`,
      `--debug-addr=${address(db.debug)}`,
      `--state-dir=${dir}`,
      '--telemetry=disable',
      '--log-level=WARN',
    ],
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
  };
}

/** Drops an instance's PostgreSQL database (clean); SQLite data goes with the run dir. */
export async function dropDatabase(s: Settings, db: DatabaseNode): Promise<void> {
  const choice = currentDatabase(s);
  if (choice?.backend === 'postgresql') await psql(db.postgresql, `DROP DATABASE IF EXISTS ${choice.database} WITH (FORCE)`).catch((err) => note(`could not drop ${choice.database}: ${(err as Error).message}`));
}
