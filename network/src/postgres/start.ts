import fs from 'node:fs';
import path from 'node:path';
import {
  clusterDir,
  clusterOwner,
  DB_USER,
  ensureCluster,
  PG_BIN,
  postgresProcess,
  psql,
  readPassword,
  writeSettings,
} from '../database';
import { run } from '../exec';
import { keeperProcess } from '../nodes';
import { runningPid, sleep, startAndWait } from '../processes';
import { note, timed } from '../progress';
import type { Settings } from '../settings';
import { address, type KeeperNode, type PostgresNode, type Topology } from '../topology';
import { primaryOf, readRoles, standbyOf, writeRoles } from './roles';

/**
 * Starts what is not running of the primary, its standby and the keeper, each in the role the roles file gives it
 * (a new network's primary is the topology's first), and answers the primary. `healthy` is the network's node check.
 */
export async function startClusters(
  s: Settings,
  t: Topology,
  healthy: (n: PostgresNode | KeeperNode) => Promise<boolean>,
): Promise<PostgresNode> {
  let roles = readRoles(s, t);
  if (runningPid(s, primaryOf(t, roles).id) === undefined && roles.synchronous && runningPid(s, t.keeper.id)) {
    // The keeper is promoting the standby (or about to): starting the dead primary again would make two.
    roles = await promotedWithin(s, t, roles.primary, 10_000);
  }
  const primary = primaryOf(t, roles);
  const standby = standbyOf(t, roles);
  if (runningPid(s, primary.id) === undefined) {
    ensureCluster(s, primary);
    writeSettings(s, primary);
    writeRoles(s, roles);
    await timed(`Starting PostgreSQL (primary ${primary.id}) on ${address(primary.listen)}`, () =>
      startAndWait(s, postgresProcess(s, primary), 'PostgreSQL to accept connections', () => healthy(primary), 60_000),
    );
  }
  // Still in recovery: the keeper recorded this promotion and did not live to make it.
  if ((await psql(s, primary.listen, 'postgres', 'SELECT pg_is_in_recovery()')).trim() === 't') {
    note(`promoting ${primary.id}, recorded as the primary`);
    await psql(s, primary.listen, 'postgres', 'SELECT pg_promote(true, 60)');
  }
  if (runningPid(s, standby.id) === undefined) {
    // A cluster that is not a standby now — none yet, or the primary before a failover, which may hold commits the new
    // primary never had (never acknowledged: they waited for the standby) — is cloned afresh from the primary.
    if (!fs.existsSync(path.join(clusterDir(s, standby), 'standby.signal')))
      await timed(`Cloning the standby ${standby.id} from the primary`, () => cloneStandby(s, standby, primary));
    writeSettings(s, standby, primary);
    await timed(`Starting PostgreSQL (standby ${standby.id}) on ${address(standby.listen)}`, () =>
      startAndWait(
        s,
        postgresProcess(s, standby),
        'the standby to accept connections',
        () => healthy(standby),
        120_000,
      ),
    );
  }
  if (runningPid(s, t.keeper.id) === undefined) {
    await startAndWait(
      s,
      keeperProcess(s, t),
      'the PostgreSQL keeper to answer /healthz',
      () => healthy(t.keeper),
      30_000,
    );
  }
  return primary;
}

async function promotedWithin(s: Settings, t: Topology, dead: string, ms: number) {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(200)) {
    const roles = readRoles(s, t);
    if (roles.primary !== dead) return roles;
  }
  return readRoles(s, t);
}

/** pg_basebackup of the primary into the standby's (emptied) directory, as the clusters' owner. */
async function cloneStandby(s: Settings, standby: PostgresNode, primary: PostgresNode): Promise<void> {
  const dir = clusterDir(s, standby);
  const owner = clusterOwner();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  await run(
    path.join(PG_BIN, 'pg_basebackup'),
    [
      ...['-h', primary.listen.host, '-p', String(primary.listen.port), '-U', DB_USER],
      ...['-D', dir, '--wal-method=stream', '--checkpoint=fast', '--no-password'],
    ],
    { env: { PATH: process.env.PATH, PGPASSWORD: readPassword(s) }, ...(owner ?? {}) },
  );
  // The primary's ALTER SYSTEM settings came along; whether commits wait for a standby is the keeper's to say.
  const auto = path.join(dir, 'postgresql.auto.conf');
  fs.writeFileSync(
    auto,
    fs
      .readFileSync(auto, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('synchronous_standby_names'))
      .join('\n'),
  );
}
