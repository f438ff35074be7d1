import { z } from 'zod';
import type { DomainDeps } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import * as funds from './use-cases';
import { ledgerId, page } from '../shared/schemas';
import { childById, listContracts, pageChildren } from './queries';
import { acceptance, breach, changeOrder, decision, delay, newContract, progressReport } from './schemas';
import { recordFrom, sourceQuery } from '../shared/record-source';
import { assertMayRead } from '../access/read-access';
import * as records from '../shared/record-schemas';

const contractPath = z.strictObject({ id: ledgerId });
const milestonePath = z.strictObject({ id: ledgerId, milestoneId: ledgerId });
const changeOrderPath = z.strictObject({ id: ledgerId, changeOrderId: ledgerId });
const tag = 'funds';

/** 合同履约 over HTTP: contracts, change orders, progress, acceptance, delays, breaches — and their lists from the read model. */
export function contractRoutes({ routes, writes, readModel, ledger, identities }: DomainDeps): void {
  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contracts',
      tag,
      response: records.written(records.contract),
      body: newContract,
      summary:
        'Sign a works contract for an approved project: retention ≤ 3 %, milestone amounts sum to the contract sum',
    },
    funds.createContract,
    ({ body }) => body,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contracts/:id/change-orders',
      tag,
      response: records.written(records.changeOrder),
      params: contractPath,
      body: changeOrder,
      summary: 'Propose a change order (变更): new amounts for planned milestones, or new milestones',
    },
    funds.proposeChangeOrder,
    ({ params, body }) => ({ contractId: params.id, order: body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contracts/:id/change-orders/:changeOrderId/decision',
      tag,
      response: records.written(records.changeOrder),
      params: changeOrderPath,
      body: decision,
      summary: 'Approve (applies the change: milestones and contract sum move) or reject a proposed change order',
    },
    funds.decideChangeOrder,
    ({ params, body }) => ({ contractId: params.id, changeOrderId: params.changeOrderId, ...body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contracts/:id/progress-reports',
      tag,
      response: records.written(records.progressReport),
      params: contractPath,
      body: progressReport,
      summary:
        'Report progress, planned vs actual percent (the ledger keeps the deviation; a milestone keeps its latest)',
    },
    funds.reportProgress,
    ({ params, body }) => ({ contractId: params.id, report: body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contracts/:id/milestones/:milestoneId/acceptance',
      tag,
      response: records.written(records.milestone),
      params: milestonePath,
      body: acceptance,
      summary:
        'An inspector accepts a milestone (验收), optionally naming the anchored acceptance report: it becomes payable',
    },
    funds.acceptMilestone,
    ({ params, body }) => ({ contractId: params.id, milestoneId: params.milestoneId, ...body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contracts/:id/milestones/:milestoneId/photos',
      tag,
      response: records.written(records.milestone),
      params: milestonePath,
      body: z.strictObject({
        batchId: ledgerId.describe('a batch anchored with kind "photos" (POST /batch-anchors/items)'),
      }),
      summary:
        "An inspector attaches a batch of site photos to a milestone: the batch's Merkle root, anchored as photos, becomes the milestone's evidence (each photo provable by its inclusion proof)",
    },
    funds.attachMilestonePhotos,
    ({ params, body }) => ({ contractId: params.id, milestoneId: params.milestoneId, batchId: body.batchId }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contracts/:id/delays',
      tag,
      response: records.written(records.incident),
      params: contractPath,
      body: delay,
      summary: 'Record a delay of a milestone (工期延误)',
    },
    funds.recordDelay,
    ({ params, body }) => ({ contractId: params.id, incident: body }),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/contracts/:id/breaches',
      tag,
      response: records.written(records.incident),
      params: contractPath,
      body: breach,
      summary: 'Record a breach of contract (违约) by the employer or the contractor, with its penalty in fen',
    },
    funds.recordBreach,
    ({ params, body }) => ({ contractId: params.id, incident: body }),
  );

  routes.add(
    {
      method: 'get',
      path: '/contracts',
      response: records.listPage(records.contract),
      tag,
      access: 'user',
      summary: 'Contracts from the read model, by project, contractor or words of the title',
      query: page.extend({
        projectId: ledgerId.optional(),
        contractorId: ledgerId.optional(),
        q: z.string().trim().min(1).max(50).optional(),
      }),
    },
    async ({ query, user }) => listContracts(readModel, user, query),
  );

  routes.add(
    {
      method: 'get',
      path: '/contracts/:id',
      response: records.contract,
      tag,
      access: 'user',
      params: contractPath,
      query: sourceQuery,
      summary: 'A contract from the read model; ?source=ledger reads it from the ledger instead (as the caller)',
    },
    async ({ params, query, user }) =>
      recordFrom(
        { ledger, identities, readModel },
        query.source,
        user!,
        { namespace: 'contract', fn: 'readContract', args: [params.id] },
        { type: 'contract', id: params.id, what: 'contract' },
      ),
  );

  routes.add(
    {
      method: 'get',
      path: '/contracts/:id/milestones',
      response: records.listPage(records.milestone),
      tag,
      access: 'user',
      params: contractPath,
      summary: 'Milestones of a contract (amount, status, latest progress), optionally by status',
      query: page.extend({ status: z.enum(['planned', 'accepted']).optional() }),
    },
    async ({ params, query, user }) =>
      pageChildren(
        readModel.model('milestone'),
        params.id,
        query.status ? { status: query.status } : {},
        query.limit,
        query.after,
        user,
      ),
  );

  routes.add(
    {
      method: 'get',
      path: '/contracts/:id/milestones/:milestoneId',
      response: records.milestone,
      tag,
      access: 'user',
      params: milestonePath,
      query: sourceQuery,
      summary: 'A milestone; ?source=ledger reads it from the ledger',
    },
    async ({ params, query, user }) =>
      query.source === 'ledger'
        ? (await assertMayRead(readModel, user!, 'milestone', `${params.id}/${params.milestoneId}`, 'milestone'),
          JSON.parse(
            await ledger.evaluate(await identities.reader(user!._id), 'contract', 'readMilestone', [
              params.id,
              params.milestoneId,
            ]),
          ))
        : childById(
            readModel.model('milestone'),
            params.id,
            params.milestoneId,
            `milestone ${params.milestoneId} of contract`,
            user,
          ),
  );

  routes.add(
    {
      method: 'get',
      path: '/contracts/:id/change-orders',
      response: records.listPage(records.changeOrder),
      tag,
      access: 'user',
      params: contractPath,
      summary: 'Change orders of a contract, optionally by status',
      query: page.extend({ status: z.enum(['proposed', 'approved', 'rejected']).optional() }),
    },
    async ({ params, query, user }) =>
      pageChildren(
        readModel.model('changeOrder'),
        params.id,
        query.status ? { status: query.status } : {},
        query.limit,
        query.after,
        user,
      ),
  );

  routes.add(
    {
      method: 'get',
      path: '/contracts/:id/progress-reports',
      response: records.listPage(records.progressReport),
      tag,
      access: 'user',
      params: contractPath,
      summary: 'Progress reports of a contract (planned, actual, deviation)',
      query: page.extend({ milestoneId: ledgerId.optional() }),
    },
    async ({ params, query, user }) =>
      pageChildren(
        readModel.model('progressReport'),
        params.id,
        query.milestoneId ? { milestoneId: query.milestoneId } : {},
        query.limit,
        query.after,
        user,
      ),
  );

  routes.add(
    {
      method: 'get',
      path: '/contracts/:id/incidents',
      response: records.listPage(records.incident),
      tag,
      access: 'user',
      params: contractPath,
      summary: 'Delays and breaches recorded on a contract',
      query: page.extend({ kind: z.enum(['delay', 'breach']).optional() }),
    },
    async ({ params, query, user }) =>
      pageChildren(
        readModel.model('incident'),
        params.id,
        query.kind ? { kind: query.kind } : {},
        query.limit,
        query.after,
        user,
      ),
  );
}
