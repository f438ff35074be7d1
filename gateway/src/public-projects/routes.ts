import { z } from 'zod';
import type { DomainDeps, DomainModule } from '../domain-deps';
import { ledgerId } from '../shared/schemas';
import { nearbyProjects as nearbyList, publicProject as publicProjectView } from '../shared/record-schemas';
import { nearbyProjects, publicProject } from './queries';

const tag = 'public';

/** The citizens' view of projects: no sign-in, read from the read model, approved projects only. */
export function publicProjectRoutes({ routes, readModel }: DomainDeps): DomainModule {
  routes.add(
    {
      method: 'get',
      path: '/public/projects/nearby',
      response: nearbyList,
      tag,
      access: 'public',
      summary: 'Approved projects near a point (WGS-84), nearest first, with their coordinates, for citizens',
      query: z.strictObject({
        lat: z.coerce.number().min(-90).max(90),
        lng: z.coerce.number().min(-180).max(180),
        radiusKm: z.coerce.number().positive().max(20).default(2),
      }),
    },
    async ({ query }) => nearbyProjects(readModel, query),
  );

  routes.add(
    {
      method: 'get',
      path: '/public/projects/:id',
      response: publicProjectView,
      tag,
      access: 'public',
      params: z.strictObject({ id: ledgerId }),
      summary:
        "An approved project's public page: what, where, who builds it, its milestones planned against actual, and whom to contact; 404 for any project not approved",
    },
    async ({ params }) => publicProject(readModel, params.id),
  );
  return {};
}
