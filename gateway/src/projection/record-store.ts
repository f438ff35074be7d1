import type mongoose from 'mongoose';
import type { ListDirectory } from './list-shapes';

/** A record of a batch, placed in its lists and ready to write. */
export interface PlacedRecord {
  id: string;
  /** The read model held the record before this batch (read by the batch). */
  exists: boolean;
  /** Its fields as the read model keeps them, with _position, _transactionId and its list labels. */
  doc: Record<string, unknown> & { _position: number };
  /** The list buckets it joined or left (ListIndex.settle). */
  touched: Array<{ dir: ListDirectory; index: number }>;
}

/**
 * FerretDB v1 keeps a PostgreSQL connection per update of a bulk until the bulk ends (measured: a bulk of 1,000
 * updates exhausted the server's connections), so updates go in bulks of this many; inserts go in one statement.
 */
const UPDATE_BULK = 8;

/**
 * Writes one collection's records of a batch in few statements: records new to the read model with one insertMany
 * (FerretDB inserts them with one INSERT), the others with updates guarded by position, so that a record is never
 * overwritten by an older state. No upserts: FerretDB stops a bulk at its first duplicate key (later updates are
 * silently not run), whereas an insertMany reports each duplicate and inserts the rest. A record that appeared since
 * it was read (only a replica that lost the lease could write it) is updated, under the same guard.
 */
export async function writeRecords(collection: mongoose.Collection, records: PlacedRecord[]): Promise<void> {
  const fresh = records.filter((r) => !r.exists);
  let updates = records.filter((r) => r.exists);
  if (fresh.length) {
    try {
      await collection.insertMany(fresh.map((r) => ({ _id: r.id, ...r.doc })) as never[], { ordered: false });
    } catch (err) {
      updates = [...updates, ...duplicates(err).map((i) => fresh[i])];
    }
  }
  for (let i = 0; i < updates.length; i += UPDATE_BULK)
    await collection.bulkWrite(
      updates.slice(i, i + UPDATE_BULK).map((r) => ({
        updateOne: {
          filter: { _id: r.id, $or: [{ _position: { $lt: r.doc._position } }, { _position: { $exists: false } }] },
          update: { $set: r.doc },
        },
      })) as never[],
      { ordered: false },
    );
}

/** The indexes of an insertMany's documents refused as duplicates; any other failure is thrown on. */
function duplicates(err: unknown): number[] {
  const reported = (err as { writeErrors?: unknown }).writeErrors;
  const failures = ([] as Array<{ index: number; code: number }>).concat((reported as never) ?? []);
  if (failures.length === 0 || failures.some((f) => f.code !== 11000)) throw err;
  return failures.map((f) => f.index);
}
