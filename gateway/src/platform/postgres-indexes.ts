import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type mongoose from 'mongoose';
import type { Logger } from './logger';

const run = promisify(execFile);

/**
 * FerretDB v1 on PostgreSQL stores each collection as a table with one jsonb column and filters with
 * `_jsonb->'field' @> '"value"'`, which its own (btree) indexes cannot serve: every read scans the table (measured:
 * find by _id 25-29 ms at 100k documents). A GIN expression index per filtered field serves that operator
 * (measured: 1.0-1.4 ms by _id, 3.6-5.0 ms by a field). FerretDB cannot create such indexes, so the gateway does,
 * in FerretDB's PostgreSQL database, after making sure its collections exist. `_lists` holds the labels of the list
 * buckets a read-model record is in (projection/list-index.ts): every list page is read through it. `tokens` serves
 * one word of a text search.
 */
const FIELDS = [
  '_id',
  '_lists',
  'status',
  'projectId',
  'contractId',
  'contractorId',
  'userId',
  'kind',
  'tokens',
  '_company', // a contractor's lists are filtered by the company records belong to (access/read-policy.ts)
];

/** Makes sure the collections exist and, in FerretDB's PostgreSQL, that each of them has a GIN index per FIELDS entry. */
export async function ensureJsonIndexes(
  connection: mongoose.Connection,
  collections: string[],
  postgresUrl: string,
  logger: Logger,
): Promise<void> {
  const existing = new Set((await connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of collections)
    if (!existing.has(name)) await connection.createCollection(name).catch(() => undefined);
  const schema = connection.db!.databaseName;
  const fields = FIELDS.map((f) => `'${f}'`).join(',');
  // fastupdate off: a GIN index otherwise queues new entries in a pending list that every search scans until a
  // vacuum (measured: 12 ms per _id lookup after loading 100k records, 0.05 ms once clean). Indexes made before
  // are switched over and cleaned once.
  const sql = `DO $$ DECLARE r record; f text; i text; BEGIN
    FOR r IN SELECT _jsonb->>'table' AS t FROM ${schema}._ferretdb_database_metadata LOOP
      FOREACH f IN ARRAY ARRAY[${fields}] LOOP
        i := left(r.t, 40) || '_gin_' || replace(f, '_', '');
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON ${schema}.%I USING gin ((_jsonb->%L)) WITH (fastupdate = off)', i, r.t, f);
        IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = '${schema}' AND c.relname = i AND 'fastupdate=off' = ANY (c.reloptions)) THEN
          EXECUTE format('ALTER INDEX ${schema}.%I SET (fastupdate = off)', i);
          PERFORM gin_clean_pending_list(format('${schema}.%I', i)::regclass);
        END IF;
      END LOOP;
    END LOOP; END $$;`;
  try {
    const { url, password } = withoutPassword(postgresUrl);
    await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', sql], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '5', ...(password ? { PGPASSWORD: password } : {}) },
    });
    logger.info({ collections: collections.length }, 'GIN indexes for FerretDB filters are in place');
  } catch (err) {
    // Reads stay correct without them, only slower: warn, do not stop the gateway.
    logger.warn({ err: (err as Error).message }, "could not create GIN indexes in FerretDB's PostgreSQL database");
  }
}

/**
 * The password travels in the environment, not on the command line (which every user on the machine can read). Not
 * WHATWG URL: a URL naming every PostgreSQL cluster (`host1:port1,host2:port2`, for failover) is not one to it.
 */
export function withoutPassword(postgresUrl: string): { url: string; password: string } {
  const m = /^([a-z]+:\/\/[^:@/]*)(?::([^@/]*))?@(.*)$/.exec(postgresUrl);
  if (!m) return { url: postgresUrl, password: '' };
  return { url: `${m[1]}@${m[3]}`, password: m[2] ? decodeURIComponent(m[2]) : '' };
}
