import { z } from 'zod';
import type { DomainDeps } from '../domain-deps';
import { legacyAnchoredRoute } from '../operations/anchored-route';
import { ledgerId, page } from '../shared/schemas';
import { tokens } from '../shared/text-search';
import { pageBy } from '../shared/read-queries';
import { childById, pageChildren } from './queries';
import { acceptance, breach, changeOrder, decision, delay, newContract, progressReport } from './schemas';
import { recordFrom, sourceQuery } from '../shared/record-source';
import { assertMayRead } from '../access/read-access';
import * as records from '../shared/record-schemas';

const contractPath = z.strictObject({ id: ledgerId });
const milestonePath = z.strictObject({ id: ledgerId, milestoneId: ledgerId });
const changeOrderPath = z.strictObject({ id: ledgerId, changeOrderId: ledgerId });
const tag = 'funds';

/** Contract titles are searchable by their words (jieba tokens; FerretDB has no $text). */
export const contractEnricher = (c: Record<string, unknown>) => ({ tokens: tokens(String(c.title ?? '')) });

/** 合同履约: contracts, change orders, progress, acceptance, delays, breaches — and their lists from the read model. */
export function contractRoutes({ routes, writes, readModel, ledger, identities }: DomainDeps): void {
  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/contracts', tag, access: ['clerk', 'director'], response: records.written(records.contract),
    summary: 'Sign a works contract for an approved project: retention ≤ 3 %, milestone amounts sum to the contract sum', body: newContract,
  }, ({ body }) => ({ namespace: 'contract', fn: 'createContract', args: [JSON.stringify(body)] }));

  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/contracts/:id/change-orders', tag, access: ['clerk', 'contractor'], response: records.written(records.changeOrder),
    summary: 'Propose a change order (变更): new amounts for planned milestones, or new milestones', params: contractPath, body: changeOrder,
  }, ({ params, body }) => ({ namespace: 'contract', fn: 'proposeChangeOrder', args: [params.id, JSON.stringify(body)] }));

  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/contracts/:id/change-orders/:changeOrderId/decision', tag, access: ['director'], response: records.written(records.changeOrder),
    summary: 'Approve (applies the change: milestones and contract sum move) or reject a proposed change order', params: changeOrderPath, body: decision,
  }, ({ params, body }) => ({ namespace: 'contract', fn: body.decision === 'approve' ? 'approveChangeOrder' : 'rejectChangeOrder', args: [params.id, params.changeOrderId, body.reason] }));

  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/contracts/:id/progress-reports', tag, access: ['contractor', 'clerk', 'inspector'], response: records.written(records.progressReport),
    summary: 'Report progress, planned vs actual percent (the ledger keeps the deviation; a milestone keeps its latest)', params: contractPath, body: progressReport,
  }, ({ params, body }) => ({ namespace: 'contract', fn: 'reportProgress', args: [params.id, JSON.stringify(body)] }));

  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/contracts/:id/milestones/:milestoneId/acceptance', tag, access: ['inspector'], response: records.written(records.milestone),
    summary: "An inspector accepts a milestone (验收), optionally naming the anchored acceptance report: it becomes payable", params: milestonePath, body: acceptance,
  }, ({ params, body }) => ({ namespace: 'contract', fn: 'acceptMilestone', args: [params.id, params.milestoneId, body.acceptanceReportSha256 ?? ''] }));

  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/contracts/:id/delays', tag, access: ['clerk', 'inspector'], response: records.written(records.incident),
    summary: 'Record a delay of a milestone (工期延误)', params: contractPath, body: delay,
  }, ({ params, body }) => ({ namespace: 'contract', fn: 'recordDelay', args: [params.id, JSON.stringify(body)] }));

  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/contracts/:id/breaches', tag, access: ['clerk', 'director'], response: records.written(records.incident),
    summary: 'Record a breach of contract (违约) by the employer or the contractor, with its penalty in fen', params: contractPath, body: breach,
  }, ({ params, body }) => ({ namespace: 'contract', fn: 'recordBreach', args: [params.id, JSON.stringify(body)] }));

  routes.add({
    method: 'get', path: '/contracts', response: records.listPage(records.contract), tag, access: 'user', summary: 'Contracts from the read model, by project, contractor or words of the title',
    query: page.extend({ projectId: ledgerId.optional(), contractorId: ledgerId.optional(), q: z.string().trim().min(1).max(50).optional() }),
  }, async ({ query, user }) => {
    const filter: Record<string, unknown> = {};
    if (query.projectId) filter.projectId = query.projectId;
    if (query.contractorId) filter.contractorId = query.contractorId;
    if (query.q) filter.tokens = { $all: tokens(query.q) };
    return pageBy(readModel.model('contract'), filter, query.limit, query.after, user);
  });

  routes.add({
    method: 'get', path: '/contracts/:id', response: records.contract, tag, access: 'user', params: contractPath, query: sourceQuery,
    summary: 'A contract from the read model; ?source=ledger reads it from the ledger instead (as the caller)',
  }, async ({ params, query, user }) => recordFrom({ ledger, identities, readModel }, query.source, user!, { namespace: 'contract', fn: 'readContract', args: [params.id] }, { type: 'contract', id: params.id, what: 'contract' }));

  routes.add({
    method: 'get', path: '/contracts/:id/milestones', response: records.listPage(records.milestone), tag, access: 'user', params: contractPath,
    summary: 'Milestones of a contract (amount, status, latest progress), optionally by status',
    query: page.extend({ status: z.enum(['planned', 'accepted']).optional() }),
  }, async ({ params, query, user }) => pageChildren(readModel.model('milestone'), params.id, query.status ? { status: query.status } : {}, query.limit, query.after, user));

  routes.add({
    method: 'get', path: '/contracts/:id/milestones/:milestoneId', response: records.milestone, tag, access: 'user', params: milestonePath, query: sourceQuery,
    summary: 'A milestone; ?source=ledger reads it from the ledger',
  }, async ({ params, query, user }) => query.source === 'ledger'
    ? (await assertMayRead(readModel, user!, 'milestone', `${params.id}/${params.milestoneId}`, 'milestone'),
      JSON.parse(await ledger.evaluate(await identities.signer(user!._id), 'contract', 'readMilestone', [params.id, params.milestoneId])))
    : childById(readModel.model('milestone'), params.id, params.milestoneId, `milestone ${params.milestoneId} of contract`, user));

  routes.add({
    method: 'get', path: '/contracts/:id/change-orders', response: records.listPage(records.changeOrder), tag, access: 'user', params: contractPath, summary: 'Change orders of a contract, optionally by status',
    query: page.extend({ status: z.enum(['proposed', 'approved', 'rejected']).optional() }),
  }, async ({ params, query, user }) => pageChildren(readModel.model('changeOrder'), params.id, query.status ? { status: query.status } : {}, query.limit, query.after, user));

  routes.add({
    method: 'get', path: '/contracts/:id/progress-reports', response: records.listPage(records.progressReport), tag, access: 'user', params: contractPath, summary: 'Progress reports of a contract (planned, actual, deviation)',
    query: page.extend({ milestoneId: ledgerId.optional() }),
  }, async ({ params, query, user }) => pageChildren(readModel.model('progressReport'), params.id, query.milestoneId ? { milestoneId: query.milestoneId } : {}, query.limit, query.after, user));

  routes.add({
    method: 'get', path: '/contracts/:id/incidents', response: records.listPage(records.incident), tag, access: 'user', params: contractPath, summary: 'Delays and breaches recorded on a contract',
    query: page.extend({ kind: z.enum(['delay', 'breach']).optional() }),
  }, async ({ params, query, user }) => pageChildren(readModel.model('incident'), params.id, query.kind ? { kind: query.kind } : {}, query.limit, query.after, user));
}

