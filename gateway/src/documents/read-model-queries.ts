import type mongoose from 'mongoose';
import type { ReadModelDocument } from '../projection/read-model';
import { Page, view } from '../shared/read-queries';

/**
 * Keyset paging like shared/read-queries' pageBy, but with strictQuery off. The read-model schemas declare only _id
 * (strict: false) and the connection sets strictQuery: true, so mongoose silently DROPS every other filter field —
 * pageBy(model, { status: 'x' }) returns everything. Until the platform sets strictQuery: false on the read-model
 * schemas, this family's lists use this.
 */
export async function pageWhere(model: mongoose.Model<ReadModelDocument>, filter: Record<string, unknown>, limit: number, after?: string): Promise<Page<Record<string, unknown>>> {
  const docs = await model.find(after ? { ...filter, _id: { $gt: after } } : filter).setOptions({ strictQuery: false }).sort({ _id: 1 }).limit(limit + 1).lean<ReadModelDocument[]>();
  const items = docs.slice(0, limit);
  return { items: items.map((d) => view(d)), next: docs.length > limit ? items[items.length - 1]._id : null };
}

/** All matches (bounded), for small per-record lists such as a record's attestations. */
export async function findWhere(model: mongoose.Model<ReadModelDocument>, filter: Record<string, unknown>, max: number): Promise<Record<string, unknown>[]> {
  const docs = await model.find(filter).setOptions({ strictQuery: false }).sort({ _id: 1 }).limit(max).lean<ReadModelDocument[]>();
  return docs.map((d) => view(d));
}
