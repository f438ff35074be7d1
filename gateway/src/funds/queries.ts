import type mongoose from 'mongoose';
import type { ReadModelDocument } from '../projection/read-model';
import { byId, Page, pageBy } from '../shared/read-queries';
import type { Reader } from '../access/read-policy';

/**
 * Child records of a contract (milestones, change orders, progress reports, incidents) are keyed "<contractId>/<id>"
 * in the read model; clients page with the child's own id.
 */
export async function pageChildren(model: mongoose.Model<ReadModelDocument>, contractId: string, filter: Record<string, unknown>, limit: number, after?: string, reader?: Reader): Promise<Page<Record<string, unknown>>> {
  const prefix = `${contractId}/`;
  const page = await pageBy(model, { ...filter, contractId }, limit, after ? prefix + after : undefined, reader);
  return { items: page.items, next: page.next === null ? null : page.next.slice(prefix.length) };
}

export const childById = (model: mongoose.Model<ReadModelDocument>, contractId: string, id: string, what: string, reader?: Reader) => byId(model, `${contractId}/${id}`, what, reader);
