import pg from 'pg';
import { withoutPassword } from './postgres-indexes';

/**
 * How long a connection attempt to one cluster may take before the next is tried: a refused connection fails at once,
 * so this only bounds a cluster that does not answer — long enough for a saturated machine (2 s was not: the soak
 * saw it expire).
 */
const CONNECT_TIMEOUT_MS = 10_000;

/** The parts of a libpq URL naming several clusters (`postgres://user:pw@h1:p1,h2:p2/db?...`). */
export function clustersOf(postgresUrl: string): {
  user: string;
  password: string;
  database: string;
  hosts: Array<{ host: string; port: number }>;
} {
  const { url, password } = withoutPassword(postgresUrl);
  const m = /^[a-z]+:\/\/([^@/]*)@([^/?]+)\/([^?]+)/.exec(url);
  if (!m) throw new Error('the PostgreSQL URL names no user, host or database');
  const hosts = m[2].split(',').map((h) => {
    const [host, port] = h.split(':');
    return { host, port: Number(port ?? 5432) };
  });
  return { user: decodeURIComponent(m[1]), password, database: decodeURIComponent(m[3]), hosts };
}

/**
 * A small pool on whichever cluster of the URL is the primary (node-postgres knows one host; libpq's
 * `target_session_attrs=read-write` is done here): each cluster in turn, the first not in recovery wins. A query that
 * fails on a connection drops the pool, so the next finds the primary again (after a failover, the promoted standby).
 */
export class PostgresPrimary {
  private pool: pg.Pool | undefined;
  private finding: Promise<pg.Pool> | undefined;

  constructor(
    private readonly postgresUrl: string,
    private readonly max = 2,
  ) {}

  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    const pool = await this.primary();
    try {
      return await pool.query<R>(sql, params);
    } catch (err) {
      const { severity, code } = err as { severity?: string; code?: string };
      // Not an answer of the server (the connection broke), or: connection lost, shutting down, now read-only.
      if (!severity || /^(08|57P|25006)/.test(code ?? '')) this.drop(pool);
      throw err;
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => undefined);
  }

  private primary(): Promise<pg.Pool> {
    if (this.pool) return Promise.resolve(this.pool);
    this.finding ??= this.find().finally(() => (this.finding = undefined));
    return this.finding;
  }

  private async find(): Promise<pg.Pool> {
    const { user, password, database, hosts } = clustersOf(this.postgresUrl);
    const failures: string[] = [];
    for (const { host, port } of hosts) {
      const pool = new pg.Pool({
        host,
        port,
        user,
        password,
        database,
        max: this.max,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        idleTimeoutMillis: 0, // kept open: a connection costs the server a process and an authentication
        keepAlive: true,
      });
      pool.on('error', () => this.drop(pool)); // an idle connection closed by the server
      try {
        const { rows } = await pool.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
        if (!rows[0].standby) return (this.pool = pool);
        failures.push(`${host}:${port} is a standby`);
      } catch (err) {
        failures.push(`${host}:${port}: ${(err as Error).message}`);
      }
      await pool.end().catch(() => undefined);
    }
    throw new Error(`no PostgreSQL primary: ${failures.join('; ')}`);
  }

  private drop(pool: pg.Pool): void {
    if (this.pool !== pool) return;
    this.pool = undefined;
    pool.end().catch(() => undefined);
  }
}
