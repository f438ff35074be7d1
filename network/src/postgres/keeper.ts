import http from 'node:http';
import { Client, type QueryConfig } from 'pg';
import { readPassword, DB_USER } from '../database';
import { runningPid } from '../processes';
import { loadSettings, type Settings } from '../settings';
import { loadTopology, type PostgresNode, type Topology } from '../topology';
import { decide, type Action, type Observation } from './failover';
import { primaryOf, readRoles, standbyOf, writeRoles, type Roles } from './roles';

/**
 * The PostgreSQL keeper: one process per network (node `postgres-keeper`) that watches the primary and its standby
 * every TICK_MS over connections of its own and acts on `decide` — requires synchronous replication once the standby
 * streams, gives it up when the standby is gone (else every commit would hang), and promotes the standby when the
 * primary refuses connections, only if the standby was known to hold every acknowledged commit. It answers
 * GET /healthz on its listener with what it last saw.
 */
const TICK_MS = 200;
/** A query or a connection that takes longer is counted as not answered (never as dead: see failover.ts). */
const QUERY_TIMEOUT_MS = 1_000;
/** pg_promote waits for the standby to leave recovery: seconds on a busy machine. */
const PROMOTE_TIMEOUT_MS = 35_000;

interface Seen {
  observation: Observation;
  action: Action['kind'];
  error?: string;
}

class Keeper {
  private readonly clients = new Map<string, Client>();
  private refusedSince: number | null = null;
  /** The primary's WAL position when synchronous replication was required: the standby must have flushed it. */
  private syncFrom: string | null = null;
  last: Seen | undefined;

  constructor(
    private readonly s: Settings,
    private readonly t: Topology,
  ) {}

  /** One connection per cluster, kept open: a killed server closes it at once, and the next connect is refused. */
  private async client(node: PostgresNode): Promise<Client> {
    const open = this.clients.get(node.id);
    if (open) return open;
    const client = new Client({
      host: node.listen.host,
      port: node.listen.port,
      user: DB_USER,
      password: readPassword(this.s),
      database: 'postgres',
      connectionTimeoutMillis: QUERY_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      application_name: 'postgres-keeper',
    });
    client.on('error', () => this.forget(node.id, client));
    client.on('end', () => this.forget(node.id, client));
    await client.connect();
    this.clients.set(node.id, client);
    return client;
  }

  private forget(id: string, client: Client) {
    if (this.clients.get(id) === client) this.clients.delete(id);
    client.end().catch(() => undefined);
  }

  private async query<T>(
    node: PostgresNode,
    sql: string,
    params: string[] = [],
    timeoutMs = QUERY_TIMEOUT_MS,
  ): Promise<T> {
    const client = await this.client(node);
    try {
      // node-postgres honours a query's own query_timeout; its types do not declare it.
      const config: QueryConfig & { query_timeout: number } = { text: sql, values: params, query_timeout: timeoutMs };
      return (await client.query(config)).rows[0] as T;
    } catch (err) {
      this.forget(node.id, client);
      throw err;
    }
  }

  async tick(): Promise<void> {
    const roles = readRoles(this.s, this.t);
    const primary = primaryOf(this.t, roles);
    const standby = standbyOf(this.t, roles);
    const now = Date.now();
    const o: Observation = {
      primaryRefusedSince: null,
      primaryAnswered: false,
      primaryInRecovery: false,
      standbyUp: false,
      standbyStreaming: false,
      syncRequired: false,
      standbyHasEverything: false,
      now,
    };
    let error: string | undefined;
    try {
      const row = await this.query<{
        recovery: boolean;
        sync: string;
        state: string | null;
        sync_state: string | null;
        caught: boolean;
      }>(
        primary,
        `SELECT pg_is_in_recovery() AS recovery, current_setting('synchronous_standby_names') AS sync, r.state, r.sync_state,
                coalesce(r.flush_lsn >= $1::pg_lsn, false) AS caught
           FROM (SELECT 1) AS one
           LEFT JOIN pg_stat_replication r ON r.application_name = $2`,
        [this.syncFrom ?? '0/0', standby.id],
      );
      this.refusedSince = null;
      o.primaryAnswered = true;
      o.primaryInRecovery = row.recovery;
      o.syncRequired = row.sync !== '';
      o.standbyStreaming = row.state === 'streaming';
      o.standbyHasEverything = row.sync_state === 'sync' && this.syncFrom !== null && row.caught;
    } catch (err) {
      error = (err as Error).message;
      if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') this.refusedSince ??= now;
      else this.refusedSince = null;
      o.primaryRefusedSince = this.refusedSince;
    }
    if (o.primaryRefusedSince !== null) {
      o.standbyUp = await this.query<{ recovery: boolean }>(standby, 'SELECT pg_is_in_recovery() AS recovery')
        .then((r) => r.recovery)
        .catch(() => false);
    }
    const action = decide(roles, o);
    this.last = { observation: o, action: action.kind, ...(error ? { error } : {}) };
    await this.act(action, roles, primary, standby);
  }

  private async act(action: Action, roles: Roles, primary: PostgresNode, standby: PostgresNode): Promise<void> {
    const record = (next: Partial<Roles>) => writeRoles(this.s, { ...roles, ...next, changedAt: Date.now() });
    switch (action.kind) {
      case 'wait':
        return;
      case 'require-sync': {
        await this.query(primary, `ALTER SYSTEM SET synchronous_standby_names = '*'`);
        await this.query(primary, 'SELECT pg_reload_conf()');
        // Everything up to here was acknowledged asynchronously: the standby must have flushed it before it counts.
        this.syncFrom = (await this.query<{ lsn: string }>(primary, 'SELECT pg_current_wal_lsn()::text AS lsn')).lsn;
        log(`synchronous replication to ${standby.id} required from ${this.syncFrom}`);
        return;
      }
      case 'record-synchronous':
        record({ synchronous: true });
        log(`${standby.id} holds every commit: it may be promoted`);
        return;
      case 'give-up-sync':
        // Recorded first: from here the standby may miss commits, so it must not be promoted.
        record({ synchronous: false });
        this.syncFrom = null;
        await this.query(primary, 'ALTER SYSTEM RESET synchronous_standby_names');
        await this.query(primary, 'SELECT pg_reload_conf()');
        log(`${standby.id} is not streaming: commits no longer wait for it`);
        return;
      case 'promote': {
        // Fenced first: a primary that is refusing but whose process is somehow alive must not come back beside
        // the new one.
        const pid = runningPid(this.s, primary.id);
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
        // Recorded before promoting: `up` finishes a promotion the keeper did not live to make (postgres/start.ts).
        record({ primary: standby.id, synchronous: false });
        this.syncFrom = null;
        this.refusedSince = null;
        log(`${primary.id} refused connections: promoting ${standby.id}`);
        await this.promote(standby);
        return;
      }
      case 'finish-promotion':
        log(`${primary.id} is recorded as the primary and still in recovery: promoting it`);
        await this.promote(primary);
        return;
    }
  }

  /**
   * Waits for the promotion (longer than a tick's query may take on a loaded machine). Should it fail anyway, the next
   * ticks see the recorded primary still in recovery and promote it again; a clone copies the primary's
   * synchronous_standby_names, and a new primary left waiting for a standby it lacks is seen with none streaming and
   * synchronous replication given up.
   */
  private async promote(node: PostgresNode): Promise<void> {
    await this.query(node, 'SELECT pg_promote(true, 30)', [], PROMOTE_TIMEOUT_MS);
    await this.query(node, 'ALTER SYSTEM RESET synchronous_standby_names');
    await this.query(node, 'SELECT pg_reload_conf()');
    log(`${node.id} promoted to primary`);
  }
}

function log(line: string) {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function main() {
  const s = loadSettings();
  const t = loadTopology(s);
  const keeper = new Keeper(s, t);
  const server = http.createServer((req, res) => {
    const ok = req.url === '/healthz' && keeper.last !== undefined;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ roles: readRoles(s, t), ...keeper.last }));
  });
  server.listen(t.keeper.listen.port, t.keeper.listen.host);
  log(`watching ${t.postgres.map((p) => p.id).join(' and ')}`);
  for (;;) {
    const started = Date.now();
    await keeper.tick().catch((err) => log(`tick failed: ${(err as Error).message}`));
    await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (Date.now() - started))));
  }
}

main().catch((err) => {
  process.stderr.write(`postgres keeper failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
