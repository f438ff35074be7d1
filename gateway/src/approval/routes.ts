import { PROJECT_STATUSES, PROJECT_TYPES } from '@luohu/domain';
import { z } from 'zod';
import type { DomainDeps, DomainModule } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import { ledgerId, page, reason, sha256 } from '../shared/schemas';
import { recordFrom, sourceQuery } from '../shared/record-source';
import { listPage, project, written } from '../shared/record-schemas';
import { listProjects } from './queries';
import * as approval from './use-cases';

const tag = 'approval';
const files = z
  .array(z.strictObject({ kind: z.string().regex(/^[a-z_]{2,64}$/), sha256 }))
  .min(1)
  .max(50);
const projectPath = z.strictObject({ id: ledgerId });
const application = z.strictObject({
  id: ledgerId,
  name: z.string().trim().min(2).max(200),
  type: z.enum(PROJECT_TYPES),
  budget: z.number().int().positive().max(1e15).describe('fen'),
  location: z.strictObject({
    address: z.string().trim().min(2).max(60),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
  }),
  contractorId: ledgerId
    .optional()
    .describe("the applicant's company (from its certificate); naming another is refused with 403"),
  files,
});

/** 立项审批 over HTTP: application, automatic check, pre-review, department reviews, correction, decision. */
export function approvalRoutes({ routes, writes, readModel, ledger, identities }: DomainDeps): DomainModule {
  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/projects',
      tag,
      response: written(project),
      body: application,
      summary:
        "Apply for a project with its files (hashes of files the applicant's company uploaded); the chaincode runs the automatic check",
    },
    approval.applyForProject,
    ({ body }) => body,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/projects/:id/pre-review',
      tag,
      response: written(project),
      params: projectPath,
      summary: 'Pass pre-review: routes the project to its departments with a working-day deadline',
    },
    approval.passPreReview,
    ({ params }) => params,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/projects/:id/correction',
      tag,
      response: written(project),
      params: projectPath,
      body: z.strictObject({ reason }),
      summary: 'Return for correction (补正): stops the clock until resubmission',
    },
    approval.returnForCorrection,
    ({ params, body }) => ({ ...params, ...body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/projects/:id/resubmission',
      tag,
      response: written(project),
      params: projectPath,
      body: z.strictObject({ files }),
      summary: 'Resubmit corrected files: reruns the automatic check and restarts the clock',
    },
    approval.resubmitProject,
    ({ params, body }) => ({ ...params, ...body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/projects/:id/reviews',
      tag,
      response: written(project),
      params: projectPath,
      body: z.strictObject({ opinion: z.enum(['approve', 'reject']), reason }),
      summary: "A department's review (the reviewer's department comes from their certificate)",
    },
    approval.reviewProject,
    ({ params, body }) => ({ ...params, ...body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/projects/:id/decision',
      tag,
      response: written(project),
      params: projectPath,
      body: z.strictObject({ decision: z.enum(['approve', 'reject']), reason }),
      summary: 'Approve or reject, with reasons',
    },
    approval.decideProject,
    ({ params, body }) => ({ ...params, ...body }),
  );

  routes.add(
    {
      method: 'get',
      path: '/projects',
      response: listPage(project),
      tag,
      access: 'user',
      summary: 'Projects from the read model, by status, contractor or words of the name',
      query: page.extend({
        status: z.enum(PROJECT_STATUSES).optional(),
        contractorId: ledgerId.optional(),
        q: z.string().trim().min(1).max(50).optional(),
      }),
    },
    async ({ query, user }) => listProjects(readModel, user, query),
  );

  routes.add(
    {
      method: 'get',
      path: '/projects/:id',
      response: project,
      tag,
      access: 'user',
      params: projectPath,
      query: sourceQuery,
      summary: 'A project from the read model; ?source=ledger reads it from the ledger instead (as the caller)',
    },
    async ({ params, query, user }) =>
      recordFrom(
        { ledger, identities, readModel },
        query.source,
        user!,
        { namespace: 'approval', fn: 'readProject', args: [params.id] },
        { type: 'project', id: params.id, what: 'project' },
      ),
  );

  return {};
}
