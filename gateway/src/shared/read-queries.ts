import type mongoose from 'mongoose';
import { NotFoundError } from '../platform/errors';
import type { ReadModelDocument } from '../projection/read-model';

export interface Page<T> { items: T[]; next: string | null }

/** Only the filters the client gave (query parameters left out are undefined). */
export const given = (filters: Record<string, unknown>) => Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));

/** Read-model documents without projection bookkeeping. */
export function view<T = Record<string, unknown>>(doc: ReadModelDocument): T {
  const { _id, _position, _transactionId, tokens, ...rest } = doc;
  void _position; void tokens;
  return { ...rest, transactionId: _transactionId } as T;
}

/** Keyset paging by _id: FerretDB reads every match anyway, so filters must stay narrow; the page stays small. */
export async function pageBy(model: mongoose.Model<ReadModelDocument>, filter: Record<string, unknown>, limit: number, after?: string): Promise<Page<Record<string, unknown>>> {
  const docs = await model.find(after ? { ...filter, _id: { $gt: after } } : filter).sort({ _id: 1 }).limit(limit + 1).lean<ReadModelDocument[]>();
  const items = docs.slice(0, limit);
  return { items: items.map((d) => view(d)), next: docs.length > limit ? items[items.length - 1]._id : null };
}

/** All matches (bounded), for small per-record lists such as a record's attestations. */
export async function findWhere(model: mongoose.Model<ReadModelDocument>, filter: Record<string, unknown>, max: number): Promise<Record<string, unknown>[]> {
  const docs = await model.find(filter).sort({ _id: 1 }).limit(max).lean<ReadModelDocument[]>();
  return docs.map((d) => view(d));
}

export async function byId(model: mongoose.Model<ReadModelDocument>, id: string, what: string): Promise<Record<string, unknown>> {
  const doc = await model.findById(id).lean<ReadModelDocument>();
  if (!doc) throw new NotFoundError(`${what} ${id} does not exist`);
  return view(doc);
}
