import type { ProjectStatus } from '@luohu/domain';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import type { ReadModel } from '../projection/read-model';
import { given, pageBy } from '../shared/read-queries';
import { tokens } from '../shared/text-search';

/** Projects the caller may read, by status, contractor or words of the name, a page at a time. */
export function listProjects(
  readModel: ReadModel,
  user: AuthenticatedUser | undefined,
  query: { status?: ProjectStatus; contractorId?: string; q?: string; limit: number; after?: string },
) {
  const filter = given({
    status: query.status,
    contractorId: query.contractorId,
    tokens: query.q ? { $all: tokens(query.q) } : undefined,
  });
  return pageBy(readModel.model('project'), filter, query.limit, query.after, user);
}
