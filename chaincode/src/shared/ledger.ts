/**
 * Keys, records, secondary indexes, paging, history and the one event per transaction.
 *
 * Layout (all keys are Fabric composite keys, i.e. `\u0000kind\u0000part\u0000...`):
 *   record:  (<kind>, [id parts...])                       value: canonical JSON of the object
 *   index:   (<kind>~<by>, [index values..., id parts...])  value: the record's key
 * LevelDB has no rich queries, so every lookup a query needs has its own index, read with partial-key range queries.
 */
import { Context } from 'fabric-contract-api';
import { RawJson, canonicalJson, fromBytes } from './serialise';
import { refuse } from './refusal';

const MAX_PAGE = 200;
const emitted = new WeakSet<object>();

/** The composite key of a record. */
export function recordKey(ctx: Context, kind: string, parts: readonly string[]): string {
  return ctx.stub.createCompositeKey(kind, [...parts]);
}

/** A record, or undefined when the key holds nothing. */
export async function getRecord<T>(ctx: Context, kind: string, parts: readonly string[]): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(recordKey(ctx, kind, parts));
  if (!bytes || bytes.length === 0) {
    return undefined;
  }
  return fromBytes<T>(bytes, `${kind} ${parts.join('/')}`);
}

/** Whether a record is stored under the key. */
export async function recordExists(ctx: Context, kind: string, parts: readonly string[]): Promise<boolean> {
  const bytes = await ctx.stub.getState(recordKey(ctx, kind, parts));
  return !!bytes && bytes.length > 0;
}

/** Serialises once, writes those bytes, and returns them wrapped so the event can embed the very same bytes. */
export async function putRecord(ctx: Context, kind: string, parts: readonly string[], value: object): Promise<RawJson> {
  const json = canonicalJson(value);
  await ctx.stub.putState(recordKey(ctx, kind, parts), Buffer.from(json, 'utf8'));
  return new RawJson(json);
}

/** Writes an index entry pointing at `target` (a record's key). */
export async function putIndex(ctx: Context, index: string, attrs: readonly string[], target: string): Promise<void> {
  await ctx.stub.putState(ctx.stub.createCompositeKey(index, [...attrs]), Buffer.from(target, 'utf8'));
}

/** Removes an index entry. */
export async function deleteIndex(ctx: Context, index: string, attrs: readonly string[]): Promise<void> {
  await ctx.stub.deleteState(ctx.stub.createCompositeKey(index, [...attrs]));
}

/** Moves an index entry when an indexed attribute (e.g. status) changes. */
export async function moveIndex(
  ctx: Context,
  index: string,
  from: readonly string[],
  to: readonly string[],
  target: string,
): Promise<void> {
  if (from.join('\u0000') === to.join('\u0000')) {
    return;
  }
  await deleteIndex(ctx, index, from);
  await putIndex(ctx, index, to, target);
}

/** One page of a query: its records, how many were fetched, and the bookmark to pass for the next page. */
export interface Page<T> {
  records: T[];
  fetched: number;
  bookmark: string;
}

/**
 * The page's metadata as fabric-shim reports it. The shim leaves `metadata` out when the peer's QueryResponseMetadata
 * is all defaults (no record fetched, no bookmark), which is what an empty page looks like on a real peer.
 */
function pageInfo(
  metadata: { fetchedRecordsCount: number; bookmark: string } | undefined,
  count: number,
): { fetched: number; bookmark: string } {
  return { fetched: metadata?.fetchedRecordsCount ?? count, bookmark: metadata?.bookmark ?? '' };
}

/** A page size argument, an integer from 1 to MAX_PAGE. */
export function parsePageSize(pageSize: string): number {
  const n = Number(pageSize);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw refuse('invalid_request', `pageSize must be an integer from 1 to ${MAX_PAGE}, got "${pageSize}"`);
  }
  return n;
}

/** One page of records found through an index (paginated range queries are for read-only transactions). */
export async function pageByIndex<T>(
  ctx: Context,
  index: string,
  attrs: readonly string[],
  pageSize: string,
  bookmark: string,
): Promise<Page<T>> {
  const size = parsePageSize(pageSize);
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    index,
    [...attrs],
    size,
    bookmark ?? '',
  );
  const records: T[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const target = Buffer.from(r.value.value).toString('utf8');
      const bytes = await ctx.stub.getState(target);
      if (bytes && bytes.length > 0) {
        records.push(fromBytes<T>(bytes, `record behind index ${index}`));
      }
    }
  } finally {
    await iterator.close();
  }
  return { records, ...pageInfo(metadata, records.length) };
}

/** One page of records stored directly under (<kind>, [attrs..., id]) — no index needed. */
export async function pageRecords<T>(
  ctx: Context,
  kind: string,
  attrs: readonly string[],
  pageSize: string,
  bookmark: string,
): Promise<Page<T>> {
  const size = parsePageSize(pageSize);
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    kind,
    [...attrs],
    size,
    bookmark ?? '',
  );
  const records: T[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      records.push(fromBytes<T>(r.value.value, `${kind} record`));
    }
  } finally {
    await iterator.close();
  }
  return { records, ...pageInfo(metadata, records.length) };
}

/** Every record behind an index prefix, for rules inside write transactions (e.g. cumulative payouts). */
export async function scanIndex<T>(ctx: Context, index: string, attrs: readonly string[]): Promise<T[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(index, [...attrs]);
  const records: T[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const bytes = await ctx.stub.getState(Buffer.from(r.value.value).toString('utf8'));
      if (bytes && bytes.length > 0) {
        records.push(fromBytes<T>(bytes, `record behind index ${index}`));
      }
    }
  } finally {
    await iterator.close();
  }
  return records;
}

/** One write of a key: its transaction, time, and the value written (null for a delete). */
export interface HistoryEntry {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: unknown;
}

/** A key's history, newest first (Fabric's order); `limit` stops reading early (1: the version that last wrote it). */
export async function keyHistory(ctx: Context, key: string, limit = Infinity): Promise<HistoryEntry[]> {
  const iterator = await ctx.stub.getHistoryForKey(key);
  const entries: HistoryEntry[] = [];
  try {
    for (let r = await iterator.next(); !r.done && entries.length < limit; r = await iterator.next()) {
      const m = r.value;
      entries.push({
        txId: m.txId,
        timestamp: isoFromTimestamp(m.timestamp),
        isDelete: m.isDelete,
        value: m.isDelete || !m.value || m.value.length === 0 ? null : fromBytes<unknown>(m.value, key),
      });
    }
  } finally {
    await iterator.close();
  }
  return entries;
}

interface TimestampLike {
  seconds: number | { toNumber(): number } | { low: number; high: number };
  nanos: number;
}

function secondsOf(s: TimestampLike['seconds']): number {
  if (typeof s === 'number') {
    return s;
  }
  if ('toNumber' in s) {
    return s.toNumber();
  }
  return s.high * 4294967296 + (s.low >>> 0);
}

/** A protobuf timestamp as ISO-8601 (whichever form the shim gives its seconds in). */
export function isoFromTimestamp(ts: TimestampLike): string {
  const ms = secondsOf(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
  return new Date(ms).toISOString(); // a pure function of the transaction timestamp, not the clock
}

/** The transaction's time (from the proposal header, identical on every endorsing peer), as an ISO-8601 string. */
export function txTime(ctx: Context): string {
  return isoFromTimestamp(ctx.stub.getTxTimestamp() as unknown as TimestampLike);
}

/** The transaction's calendar day, YYYY-MM-DD (UTC+8, the Luohu civil date). */
export function txDay(ctx: Context): string {
  const ts = ctx.stub.getTxTimestamp() as unknown as TimestampLike;
  return isoFromTimestamp({ seconds: secondsOf(ts.seconds) + 8 * 3600, nanos: 0 }).slice(0, 10);
}

/** The transaction's event: its type, the ids of what it is about, and the records it wrote (as written). */
export interface EventEnvelope {
  type: string;
  ids: Record<string, string>;
  state: RawJson;
  related?: Record<string, RawJson>;
}

/**
 * Emits the transaction's single event. `state` (and `related`) are the exact bytes given to putState,
 * spliced verbatim into the payload. A second call in the same transaction is a programming error.
 */
export function emit(ctx: Context, event: EventEnvelope): Uint8Array {
  if (emitted.has(ctx.stub)) {
    throw new Error(`event ${event.type}: a transaction may emit only one event`);
  }
  emitted.add(ctx.stub);
  const payload = Buffer.from(canonicalJson({ ...event, txId: ctx.stub.getTxID() }), 'utf8');
  ctx.stub.setEvent(event.type, payload);
  return payload;
}
