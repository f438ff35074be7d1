import type mongoose from 'mongoose';
import type { PostgresPrimary } from '../platform/postgres-primary';
import { LABELS } from './list-shapes';

type Model = mongoose.Model<Record<string, unknown> & { _id: string }>;

/** A record of a bucket, as a split or merge sees it: its id and every bucket label it carries. */
export type Member = { _id: string; _lists: string[] };

/**
 * The two operations that restructure a list's buckets (list-index.ts): read a bucket's members, and move some of
 * them to another bucket by replacing that label on each.
 */
export interface ListMembers {
  read(model: Model, label: string): Promise<Member[]>;
  /** Replaces `from` by `to` in the labels of `members` (read with `read`). */
  move(model: Model, from: string, to: string, members: Member[]): Promise<void>;
}

/** Through FerretDB: portable (any backend), but FerretDB updates the records one statement each. */
export const ferretMembers: ListMembers = {
  async read(model, label) {
    return model.find({ [LABELS]: label }, { _id: 1, [LABELS]: 1 }).lean<Member[]>();
  },
  async move(model, from, to, members) {
    // One update per position the label holds in the records' arrays (usually one: lists come in shape order).
    const ids = members.map((m) => m._id);
    for (const i of new Set(members.map((m) => m._lists.indexOf(from)))) {
      if (i < 0) continue;
      await model.updateMany({ [LABELS]: from, [`${LABELS}.${i}`]: from, _id: { $in: ids } } as never, {
        $set: { [`${LABELS}.${i}`]: to },
      });
    }
  },
};

/**
 * Straight in FerretDB's PostgreSQL tables (the mapping FerretDB keeps in `_ferretdb_database_metadata`; the
 * document is the `_jsonb` column): a bucket read returns only ids and labels, and a move is ONE statement, where
 * FerretDB reads and rewrites each record in a statement of its own — measured in the mixed soak on this machine, a
 * split's move of ~64 records took 0.9 s on average through FerretDB, the projector's largest stage. Only string
 * labels are replaced by strings, so FerretDB's type annotations (`$s`) stay true.
 */
export class PostgresMembers implements ListMembers {
  private readonly tables = new Map<string, string>();

  constructor(private readonly postgres: PostgresPrimary) {}

  async read(model: Model, label: string): Promise<Member[]> {
    const { rows } = await this.query<Member>(
      model,
      (table) =>
        `SELECT _jsonb->>'_id' AS "_id", _jsonb->'${LABELS}' AS "_lists" FROM ${table} WHERE _jsonb->'${LABELS}' @> $1::jsonb`,
      [JSON.stringify([label])],
    );
    return rows;
  }

  async move(model: Model, from: string, to: string, members: Member[]): Promise<void> {
    if (members.length === 0) return;
    // `_id = ANY(…)` is served by FerretDB's own unique btree index on `_jsonb->'_id'`.
    await this.query(
      model,
      (table) => `UPDATE ${table} SET _jsonb = jsonb_set(_jsonb, '{${LABELS}}', (
         SELECT jsonb_agg(CASE WHEN l = to_jsonb($1::text) THEN to_jsonb($2::text) ELSE l END ORDER BY n)
         FROM jsonb_array_elements(_jsonb->'${LABELS}') WITH ORDINALITY AS e(l, n)))
       WHERE _jsonb->'_id' = ANY($3::jsonb[]) AND _jsonb->'${LABELS}' @> $4::jsonb`,
      [from, to, members.map((m) => JSON.stringify(m._id)), JSON.stringify([from])],
    );
  }

  /** Runs a statement on the model's table; a failure forgets the tables known (one may have been dropped). */
  private async query<R extends Record<string, unknown>>(
    model: Model,
    sql: (table: string) => string,
    params: unknown[],
  ) {
    try {
      return await this.postgres.query<R>(sql(await this.table(model)), params);
    } catch (err) {
      this.tables.clear();
      throw err;
    }
  }

  /** The collection's table, schema-qualified and quoted (the database is the schema). */
  private async table(model: Model): Promise<string> {
    const schema = model.db.db!.databaseName;
    const key = `${schema}.${model.collection.collectionName}`;
    let table = this.tables.get(key);
    if (!table) {
      const { rows } = await this.postgres.query<{ table: string }>(
        `SELECT _jsonb->>'table' AS "table" FROM ${quote(schema)}._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`,
        [model.collection.collectionName],
      );
      if (!rows[0]) throw new Error(`FerretDB has no table for ${key}`);
      this.tables.set(key, (table = `${quote(schema)}.${quote(rows[0].table)}`));
    }
    return table;
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
