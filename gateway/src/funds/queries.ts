import type mongoose from 'mongoose';
import type { ReadModelDocument } from '../projection/read-model';
import { byId, Page, pageBy } from '../shared/read-queries';
import type { Reader } from '../access/read-policy';
import type { ReadModel } from '../projection/read-model';
import { tokens } from '../shared/text-search';

/** Contract titles are searchable by their words (jieba tokens; FerretDB has no $text). */
export const contractEnricher = (c: Record<string, unknown>) => ({ tokens: tokens(String(c.title ?? '')) });

/** Contracts the reader may see, by project, contractor or words of the title, a page at a time. */
export function listContracts(
  readModel: ReadModel,
  reader: Reader | undefined,
  query: { projectId?: string; contractorId?: string; q?: string; limit: number; after?: string },
) {
  const filter: Record<string, unknown> = {};
  if (query.projectId) filter.projectId = query.projectId;
  if (query.contractorId) filter.contractorId = query.contractorId;
  if (query.q) filter.tokens = { $all: tokens(query.q) };
  return pageBy(readModel.model('contract'), filter, query.limit, query.after, reader);
}

/**
 * Child records of a contract (milestones, change orders, progress reports, incidents) are keyed "<contractId>/<id>"
 * in the read model; clients page with the child's own id.
 */
export async function pageChildren(
  model: mongoose.Model<ReadModelDocument>,
  contractId: string,
  filter: Record<string, unknown>,
  limit: number,
  after?: string,
  reader?: Reader,
): Promise<Page<Record<string, unknown>>> {
  const prefix = `${contractId}/`;
  const page = await pageBy(model, { ...filter, contractId }, limit, after ? prefix + after : undefined, reader);
  return { items: page.items, next: page.next === null ? null : page.next.slice(prefix.length) };
}

/** A child record of a contract (milestone, change order…) by its own ID. */
export const childById = (
  model: mongoose.Model<ReadModelDocument>,
  contractId: string,
  id: string,
  what: string,
  reader?: Reader,
) => byId(model, `${contractId}/${id}`, what, reader);
