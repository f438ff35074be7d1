import type mongoose from 'mongoose';
import type { ReadModelDocument } from '../projection/read-model';
import { byId, Page, view } from '../shared/read-queries';

/**
 * Child records of a contract (milestones, change orders, progress reports, incidents) are keyed "<contractId>/<id>"
 * in the read model; clients page with the child's own id.
 */
export async function pageChildren(model: mongoose.Model<ReadModelDocument>, contractId: string, filter: Record<string, unknown>, limit: number, after?: string): Promise<Page<Record<string, unknown>>> {
  const prefix = `${contractId}/`;
  const docs = await model.find({ ...filter, contractId, ...(after ? { _id: { $gt: prefix + after } } : {}) }).sort({ _id: 1 }).limit(limit + 1).lean<ReadModelDocument[]>();
  const items = docs.slice(0, limit);
  return { items: items.map((d) => view(d)), next: docs.length > limit ? items[items.length - 1]._id.slice(prefix.length) : null };
}

export const childById = (model: mongoose.Model<ReadModelDocument>, contractId: string, id: string, what: string) => byId(model, `${contractId}/${id}`, what);
