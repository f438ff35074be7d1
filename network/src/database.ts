import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { binary } from './binaries';
import { run } from './exec';
import { layout } from './layout';
import { ProcessSpec } from './processes';
import { note } from './progress';
import { Settings, UsageError } from './settings';
import { address, DatabaseNode, Endpoint, PostgresNode } from './topology';

/**
 * The gateway's database: FerretDB on a PostgreSQL cluster of the network's own (data in the run dir), which
 * authenticates every connection, socket ones included, with scram-sha-256 and a password generated at install.
 * FerretDB v1 holds no credentials: it passes each client's (SASL PLAIN) user and password through to PostgreSQL,
 * so a client without the password gets nothing from either.
 */
export const PG_BIN = process.env.LUOHU_PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const DB_USER = 'luohu';
export const DB_NAME = 'luohu';

/** What `up` made; kept in the run dir (status, connection description). */
export interface DatabaseChoice {
  backend: 'postgresql';
  cluster: string;
  database: string;
  user: string;
  passwordFile: string;
}

export const clusterDir = (s: Settings, node: PostgresNode) => layout(s).dataDir(node);
/** The first cluster's directory: where a network's database was made (status, connection description). */
const firstClusterDir = (s: Settings) => path.join(s.runDir, 'data', 'database-postgres');
const passwordFile = (s: Settings) =>
  path.join(layout(s).dataDir({ id: 'database' } as DatabaseNode), 'postgres-password');
/** The old layout's record of a database on the machine's shared PostgreSQL (or FerretDB's SQLite). */
const oldChoiceFile = (s: Settings) => path.join(layout(s).dataDir({ id: 'database' } as DatabaseNode), 'backend.json');

export const mongoUrl = (db: DatabaseNode) => `mongodb://${address(db.listen)}/${DB_NAME}`;
/**
 * Every cluster, with only a read-write one accepted (libpq and pgx try them in turn): after a failover the clients
 * reconnect to the new primary without being told, and never write to a standby.
 */
const allClusters = (db: DatabaseNode, database: string) =>
  `${db.postgres.map(address).join(',')}/${database}?target_session_attrs=read-write`;
export const postgresUrl = (db: DatabaseNode) => `postgres://${DB_USER}@${allClusters(db, DB_NAME)}`;

export function currentDatabase(s: Settings): DatabaseChoice | undefined {
  if (!fs.existsSync(path.join(firstClusterDir(s), 'PG_VERSION'))) return undefined;
  return {
    backend: 'postgresql',
    cluster: firstClusterDir(s),
    database: DB_NAME,
    user: DB_USER,
    passwordFile: passwordFile(s),
  };
}

/** PostgreSQL refuses to run as root: as root the cluster belongs to the system's `postgres` user. */
export function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function asOwner(program: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const owner = clusterOwner();
  return execFileSync(program, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...env },
    ...(owner ?? {}),
  });
}

export function readPassword(s: Settings): string {
  return fs.readFileSync(passwordFile(s), 'utf8').trim();
}

/** Runs SQL as the cluster's owner over TCP, the password in the environment (never on a command line). */
export function psql(s: Settings, cluster: Endpoint, database: string, sql: string): Promise<string> {
  return run(
    path.join(PG_BIN, 'psql'),
    [
      '-h',
      cluster.host,
      '-p',
      String(cluster.port),
      '-U',
      DB_USER,
      '-d',
      database,
      '-v',
      'ON_ERROR_STOP=1',
      '-tAc',
      sql,
    ],
    { env: { PATH: process.env.PATH, PGPASSWORD: readPassword(s), PGCONNECT_TIMEOUT: '3' } },
  );
}

/** Creates the primary's cluster once (initdb with a generated password); its settings are written by `writeSettings`. */
export function ensureCluster(s: Settings, node: PostgresNode): void {
  if (!fs.existsSync(path.join(PG_BIN, 'postgres'))) {
    throw new UsageError(
      `PostgreSQL 15 is not installed (${PG_BIN}): run scripts/install.sh (Debian package postgresql-15)`,
    );
  }
  const dir = clusterDir(s, node);
  const owner = clusterOwner();
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return;
  fs.mkdirSync(path.dirname(passwordFile(s)), { recursive: true });
  if (!fs.existsSync(passwordFile(s)))
    fs.writeFileSync(passwordFile(s), `${crypto.randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // initdb reads the password from a file its (non-root) user can read: a copy that lives only for this call.
  const pwfile = path.join(dir, '..', `.initdb-pw-${process.pid}`);
  fs.writeFileSync(pwfile, readPassword(s), { mode: 0o600 });
  try {
    if (owner) {
      fs.chownSync(dir, owner.uid, owner.gid);
      fs.chownSync(pwfile, owner.uid, owner.gid);
    }
    asOwner(path.join(PG_BIN, 'initdb'), [
      '-D',
      dir,
      '-U',
      DB_USER,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  fs.appendFileSync(path.join(dir, 'postgresql.conf'), "\ninclude 'luohu.conf'\n");
}

/**
 * Rewrites a cluster's settings on every `up`: the same for the primary and the standby but for the address, and for a
 * standby (`follow`) the primary it streams from, with the password in a file of its own (never on a command line).
 */
export function writeSettings(s: Settings, node: PostgresNode, follow?: PostgresNode): void {
  const dir = clusterDir(s, node);
  const owner = clusterOwner();
  // Every connection, the unix socket included, proves the password; nothing else is accepted. The standby streams
  // over TCP as the cluster's own user.
  const hba = [
    'local all all scram-sha-256',
    'host all all 127.0.0.1/32 scram-sha-256',
    'host all all ::1/128 scram-sha-256',
    `host replication ${DB_USER} 127.0.0.1/32 scram-sha-256`,
    `host replication ${DB_USER} ::1/128 scram-sha-256`,
    '',
  ].join('\n');
  const passfile = path.join(dir, 'replication.pgpass');
  const conf = [
    `listen_addresses = '${node.listen.host}'`,
    `port = ${node.listen.port}`,
    `unix_socket_directories = '${dir}'`,
    'unix_socket_permissions = 0700',
    "password_encryption = 'scram-sha-256'",
    'autovacuum = on',
    // A killed PostgreSQL replays the WAL written since its last checkpoint before it answers: with the 5 min default
    // that was 278 MB at 20 writes/s and took 9.9 s of redo plus 2.4 s of checkpoint (the soak's PostgreSQL fault).
    // Every 30 s bounds it to a tenth.
    'checkpoint_timeout = 30s',
    // FerretDB prepares its statements: a generic plan cannot use the GIN expression indexes (see the facts file).
    'plan_cache_mode = force_custom_plan',
    // Each gateway replica's FerretDB holds up to FERRETDB_POSTGRES_CONNECTIONS; the rest is for tools and psql.
    'max_connections = 80',
    // Streaming replication to the standby; whether commits wait for it (synchronous_standby_names) is the keeper's
    // to set, with ALTER SYSTEM on the primary only (postgres/keeper.ts). WAL kept for a standby that was away a while.
    'wal_level = replica',
    'max_wal_senders = 4',
    "wal_keep_size = '512MB'",
    'hot_standby = on',
    ...(follow
      ? [
          `primary_conninfo = 'host=${follow.listen.host} port=${follow.listen.port} user=${DB_USER} passfile=${passfile} application_name=${node.id}'`,
          "recovery_target_timeline = 'latest'",
        ]
      : []),
    "log_destination = 'stderr'",
    'logging_collector = off',
    '',
  ].join('\n');
  const files: Array<[string, string]> = [
    ['pg_hba.conf', hba],
    ['luohu.conf', conf],
  ];
  if (follow) files.push([passfile, `*:*:*:${DB_USER}:${readPassword(s)}\n`], ['standby.signal', '']);
  for (const [name, text] of files) {
    const file = path.resolve(dir, name);
    fs.writeFileSync(file, text, { mode: 0o600 });
    if (owner) fs.chownSync(file, owner.uid, owner.gid);
  }
}

export function postgresProcess(s: Settings, node: PostgresNode): ProcessSpec {
  return {
    id: node.id,
    program: path.join(PG_BIN, 'postgres'),
    args: ['-D', clusterDir(s, node)],
    env: { PATH: process.env.PATH, LANG: 'C' },
    cwd: clusterDir(s, node),
    ...(clusterOwner() ?? {}),
  };
}

/** Creates FerretDB's database once; moves an old-layout database from the machine's shared PostgreSQL into it. */
export async function ensureDatabase(s: Settings, primary: PostgresNode): Promise<void> {
  const exists =
    (await psql(s, primary.listen, 'postgres', `SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'`)).trim() ===
    '1';
  if (!exists) await psql(s, primary.listen, 'postgres', `CREATE DATABASE ${DB_NAME}`);
  const old = oldLayoutDatabase(s);
  if (!old) return;
  note(`moving the read model from ${old.url.replace(/\/\/[^@]*@/, '//')} into the network's own PostgreSQL`);
  // FerretDB's schema is named after the MongoDB database (luohu); dump it and load it into the new cluster as is.
  const dump = await run(path.join(PG_BIN, 'pg_dump'), ['--no-owner', '--no-acl', '--schema=luohu', old.url], {
    env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
  });
  const tmp = path.join(s.runDir, 'data', 'database', 'migration.sql');
  fs.writeFileSync(tmp, dump, { mode: 0o600 });
  try {
    await run(
      path.join(PG_BIN, 'psql'),
      [
        '-h',
        primary.listen.host,
        '-p',
        String(primary.listen.port),
        '-U',
        DB_USER,
        '-d',
        DB_NAME,
        '-v',
        'ON_ERROR_STOP=1',
        '-q',
        '-f',
        tmp,
      ],
      { env: { PATH: process.env.PATH, PGPASSWORD: readPassword(s) } },
    );
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  fs.renameSync(oldChoiceFile(s), `${oldChoiceFile(s)}.migrated`);
}

/** The old layout's database, or a refusal for one that cannot be moved (never dropped silently). */
function oldLayoutDatabase(s: Settings): { url: string } | undefined {
  let old: { backend: string; url: string };
  try {
    old = JSON.parse(fs.readFileSync(oldChoiceFile(s), 'utf8'));
  } catch {
    return undefined;
  }
  if (old.backend !== 'postgresql') {
    throw new UsageError(
      `this network's read model is in FerretDB's SQLite backend (${old.url}), which has no authentication and cannot be moved automatically; ` +
        `back up ${path.dirname(oldChoiceFile(s))} and run \`network clean\` to start over (the ledger rebuilds the read model)`,
    );
  }
  return old;
}

/**
 * PostgreSQL connections FerretDB may hold. Its default (50, kept idle for half an hour) would crowd the cluster
 * (max_connections 80, for two replicas' FerretDB); the gateway's own pool is 20 connections, so FerretDB never needs
 * more than a few above that.
 */
const FERRETDB_POSTGRES_CONNECTIONS = 24;

export function databaseProcess(s: Settings, db: DatabaseNode): ProcessSpec {
  const dir = layout(s).dataDir(db);
  fs.mkdirSync(dir, { recursive: true });
  return {
    id: db.id,
    program: binary(s, 'ferretdb'),
    args: [
      '--handler=postgresql',
      // No user in the URL: FerretDB then uses each client's own credentials, and an anonymous client has none.
      `--postgresql-url=postgres://${allClusters(db, DB_NAME)}&pool_max_conns=${FERRETDB_POSTGRES_CONNECTIONS}`,
      `--listen-addr=${address(db.listen)}`,
      // Its debug listener (metrics, pprof) would answer anyone on the machine: off.
      '--debug-addr=-',
      `--state-dir=${dir}`,
      '--telemetry=disable',
      '--log-level=WARN',
    ],
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
  };
}

/** The old layout's database on the shared server goes with `clean`; the cluster goes with the run dir. */
export async function dropDatabase(s: Settings): Promise<void> {
  try {
    const old = JSON.parse(fs.readFileSync(oldChoiceFile(s), 'utf8')) as {
      backend: string;
      url: string;
      database: string;
    };
    if (old.backend === 'postgresql') {
      await run('psql', [
        old.url.replace(/\/[^/]*$/, '/postgres'),
        '-tAc',
        `DROP DATABASE IF EXISTS ${old.database} WITH (FORCE)`,
      ]).catch((err) => note(`could not drop ${old.database}: ${(err as Error).message}`));
    }
  } catch {
    // no old-layout database
  }
}
