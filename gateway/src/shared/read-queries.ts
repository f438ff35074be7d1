import type mongoose from 'mongoose';
import { NotFoundError } from '../platform/errors';
import {
  bucketIndex,
  builtId,
  directoryId,
  fromStored,
  LABELS,
  labelOf,
  LIST_SHAPES,
  ListDirectory,
  listName,
  LISTS_COLLECTION,
  shapesSignature,
  StoredDirectory,
  versionId,
} from '../projection/list-shapes';
import { typeOfCollection, type ReadModelDocument } from '../projection/read-model';
import { mayRead, readFilter, type Reader } from '../access/read-policy';
import { untilApplied } from '../projection/consistency';
import { COMPANY } from '../projection/record-company';

/** One page of a list: its items, and the cursor for the next page (`?after=`), null on the last. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Only the filters the client gave (query parameters left out are undefined). */
export const given = (filters: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));

/** Read-model documents without projection bookkeeping. */
export function view<T = Record<string, unknown>>(doc: ReadModelDocument): T {
  const { _id, _position, _transactionId, _lists, _company, tokens, ...rest } = doc;
  void _position;
  void tokens;
  void _lists;
  void _company;
  return { ...rest, transactionId: _transactionId } as T;
}

type Model = mongoose.Model<ReadModelDocument>;

/**
 * A page of a list in _id order, after a cursor (the last _id of the previous page). FerretDB v1 pushes only
 * equalities down to PostgreSQL and reads every matching row before sorting and limiting, so a page is read from
 * the list's buckets (list-index.ts): each bucket by its label, an index-served equality over at most a few hundred
 * records. Filters that no list covers (text search, an _id set, a rare combination) take a plain query.
 */
export async function pageBy(
  model: Model,
  filter: Record<string, unknown>,
  limit: number,
  after?: string,
  reader?: Reader,
): Promise<Page<Record<string, unknown>>> {
  // The read policy is part of the query, so a reader's page holds limit records of theirs (access/read-policy.ts).
  const policy = reader ? readFilter(reader, kindOf(model)) : {};
  if (policy === undefined) return { items: [], next: null };
  const scoped = { ...filter, ...policy };
  const docs = (await fromBuckets(model, scoped, limit, after)) ?? (await plainQuery(model, scoped, limit, after));
  const items = docs.slice(0, limit);
  await settled(model, items);
  return { items: items.map((d) => view(d)), next: docs.length > limit ? items[items.length - 1]._id : null };
}

/**
 * Directories as last read, by id. A directory's boundaries change only in a split or merge, which moves its
 * version on, so a page is read from the cached boundaries and then checked against the version document: the same
 * even number means no split or merge began before the buckets were read. Bounded; dropped whole when full.
 */
const directories = new Map<string, ListDirectory>();
const MAX_CACHED_DIRECTORIES = 20_000;

/** At most limit + 1 records from the list's buckets, or undefined when no list serves this filter. */
async function fromBuckets(
  model: Model,
  filter: Record<string, unknown>,
  limit: number,
  after?: string,
): Promise<ReadModelDocument[] | undefined> {
  const collection = model.collection.collectionName;
  const [list] = listsFor(collection, filter);
  if (list === undefined) return undefined;
  const store = model.db.collection(LISTS_COLLECTION);
  if (!(await built(store, model.db.name, collection))) return undefined;
  const cacheKey = `${model.db.name}/${directoryId(collection, list)}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let dir = directories.get(cacheKey);
    if (!dir || attempt > 0) {
      const doc = (await store.findOne({ _id: directoryId(collection, list) as never })) as StoredDirectory | null;
      // No directory: a list nothing entered yet, or one whose first record the projector has written but whose
      // directory it has not saved yet (it saves it right after) — the plain query answers both rightly.
      if (!doc) return undefined;
      dir = fromStored(doc);
      if (directories.size >= MAX_CACHED_DIRECTORIES) directories.clear();
      directories.set(cacheKey, dir);
    }
    const docs = await readBuckets(model, dir, filter, limit, after);
    const version = await store.findOne({ _id: versionId(collection, list) as never });
    if (version && version.version === dir.version) return docs;
    directories.delete(cacheKey);
  }
  return undefined;
}

/**
 * Reads buckets in order from the one holding the cursor until the page is full. A bucket is read by its label
 * alone (its records are exactly that list's, in that range); the filter is checked again in memory ($and is not
 * pushed down), as the range is.
 */
async function readBuckets(
  model: Model,
  dir: ListDirectory,
  filter: Record<string, unknown>,
  limit: number,
  after?: string,
): Promise<ReadModelDocument[]> {
  const docs: ReadModelDocument[] = [];
  const first = after ? bucketIndex(dir.buckets, after) : 0;
  for (let i = first; i < dir.buckets.length && docs.length <= limit; i++) {
    const range: Record<string, string> = {};
    if (after && i === first) range.$gt = after;
    if (i + 1 < dir.buckets.length) range.$lt = dir.buckets[i + 1][1];
    const conditions = [
      ...(Object.keys(filter).length ? [filter] : []),
      ...(Object.keys(range).length ? [{ _id: range }] : []),
    ];
    docs.push(
      ...(await model
        .find({ [LABELS]: labelOf(dir.list, dir.buckets[i][0]), ...(conditions.length ? { $and: conditions } : {}) })
        .sort({ _id: 1 })
        .limit(limit + 1 - docs.length)
        .lean<ReadModelDocument[]>()),
    );
  }
  return docs;
}

/** The list that holds exactly the records this filter matches (a shape with all its fields), or none: a partial cover would walk buckets for sparse matches. */
function listsFor(collection: string, filter: Record<string, unknown>): string[] {
  const fields = Object.keys(filter);
  if (
    Object.values(filter).some((v) => typeof v !== 'string') ||
    fields.some((k) => k.startsWith('_') || k.startsWith('$'))
  )
    return [];
  return (LIST_SHAPES[collection] ?? [])
    .filter((shape) => shape.length === fields.length && shape.every((f) => f in filter))
    .map((s) => listName(s, filter)!);
}

const builtUntil = new Map<string, number>();

/** Whether the projector has built the collection's lists (checked again every 30 s). */
async function built(store: mongoose.Collection, database: string, collection: string): Promise<boolean> {
  const key = `${database}/${collection}`;
  if ((builtUntil.get(key) ?? 0) > Date.now()) return true;
  const mark = await store.findOne({ _id: builtId(collection) as never });
  if (mark?.shapes !== shapesSignature(collection)) {
    builtUntil.delete(key);
    return false;
  }
  builtUntil.set(key, Date.now() + 30_000);
  return true;
}

/** The plain query, with one word of a text search ($all) pushed down as an equality so an index narrows it. */
function plainQuery(
  model: Model,
  filter: Record<string, unknown>,
  limit: number,
  after?: string,
): Promise<ReadModelDocument[]> {
  const query: Record<string, unknown> = { ...filter };
  for (const [field, value] of Object.entries(filter)) {
    const all = (value as { $all?: unknown[] } | null)?.$all;
    if (Array.isArray(all) && all.length > 0 && typeof all[0] === 'string') {
      query[field] = all[0];
      query.$and = [...((query.$and as unknown[]) ?? []), { [field]: value }];
    }
  }
  if (after)
    query._id =
      filter._id && typeof filter._id === 'object' ? { ...(filter._id as object), $gt: after } : { $gt: after };
  return model
    .find(query)
    .sort({ _id: 1 })
    .limit(limit + 1)
    .lean<ReadModelDocument[]>();
}

/** All matches (bounded), for small per-record lists such as a record's attestations. */
export async function findWhere(
  model: Model,
  filter: Record<string, unknown>,
  max: number,
): Promise<Record<string, unknown>[]> {
  const docs = await model.find(filter).sort({ _id: 1 }).limit(max).lean<ReadModelDocument[]>();
  return docs.map((d) => view(d));
}

/**
 * One record; with a reader, one they may read — else the same 404 as a missing record (existence does not leak).
 */
export async function byId(model: Model, id: string, what: string, reader?: Reader): Promise<Record<string, unknown>> {
  const doc = await model.findById(id).lean<ReadModelDocument>();
  if (!doc || (reader && !mayRead(reader, { kind: kindOf(model), company: doc[COMPANY] as string | null })))
    throw new NotFoundError(`${what} ${id} does not exist`);
  await settled(model, [doc]);
  return view(doc);
}

const kindOf = (model: Model) => typeOfCollection(model.collection.collectionName)!;

/** A record whose newest write is beyond the projector's checkpoint waits until its whole transaction is applied. */
async function settled(model: Model, docs: ReadModelDocument[]): Promise<void> {
  const newest = Math.max(-1, ...docs.map((d) => (typeof d._position === 'number' ? d._position : -1)));
  if (newest >= 0) await untilApplied(model.db, newest);
}
