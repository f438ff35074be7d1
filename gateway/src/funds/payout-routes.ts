import { z } from 'zod';
import type { DomainDeps } from '../domain-deps';
import { anchoredRoute } from '../operations/anchored-route';
import * as funds from './use-cases';
import { ledgerId, page, reason } from '../shared/schemas';
import { given, pageBy } from '../shared/read-queries';
import { PAYOUT_STATUSES, payoutRequest } from './schemas';
import { recordFrom, sourceQuery } from '../shared/record-source';
import { assertMayRead } from '../access/read-access';
import { listPage, paymentAlert, payout, payoutEndorsement, payoutRequested, written } from '../shared/record-schemas';

const payoutPath = z.strictObject({ id: ledgerId });
const tag = 'funds';

/** 资金拨付 over HTTP: payout requests (with overpayment refusals), two-bureau approval, rejection; lists and alerts. */
export function payoutRoutes({ routes, writes, readModel, ledger, identities }: DomainDeps): void {
  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/payouts',
      tag,
      response: written(payoutRequested(payout)),
      body: payoutRequest,
      summary:
        'Request a payout for an accepted milestone. An overpayment (milestone amount, contract sum less retention, ' +
        'project budget) is answered 422 overpayment_refused with the alert the ledger committed (listed under /payment-alerts)',
    },
    funds.requestPayout,
    ({ body }) => body,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/payouts/:id/approval',
      tag,
      response: written(payout),
      params: payoutPath,
      summary: 'Approve a requested payout (endorsed by Housing and Finance peers, as its key-level policy requires)',
    },
    funds.approvePayout,
    ({ params }) => params,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/payouts/:id/rejection',
      tag,
      response: written(payout),
      params: payoutPath,
      body: z.strictObject({ reason }),
      summary: 'Reject a requested or approved (not yet paid) payout, with a reason',
    },
    funds.rejectPayout,
    ({ params, body }) => ({ ...params, ...body }),
  );

  routes.add(
    {
      method: 'get',
      path: '/payouts',
      response: listPage(payout),
      tag,
      access: 'user',
      summary: 'Payouts from the read model, by contract, project, milestone and/or status',
      query: page.extend({
        contractId: ledgerId.optional(),
        projectId: ledgerId.optional(),
        milestoneId: ledgerId.optional(),
        status: z.enum(PAYOUT_STATUSES).optional(),
      }),
    },
    async ({ query, user }) => {
      const { limit, after, ...filters } = query;
      return pageBy(readModel.model('payout'), given(filters), limit, after, user);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/payouts/:id',
      response: payout,
      tag,
      access: 'user',
      params: payoutPath,
      query: sourceQuery,
      summary: 'A payout from the read model; ?source=ledger reads it from the ledger instead (as the caller)',
    },
    async ({ params, query, user }) =>
      recordFrom(
        { ledger, identities, readModel },
        query.source,
        user!,
        { namespace: 'payment', fn: 'readPayout', args: [params.id] },
        { type: 'payout', id: params.id, what: 'payout' },
      ),
  );

  routes.add(
    {
      method: 'get',
      path: '/payouts/:id/endorsement',
      response: payoutEndorsement,
      tag,
      access: 'user',
      params: payoutPath,
      summary: 'The key-level endorsement policy in force on a payout record (read from the ledger)',
    },
    async ({ params, user }) => (
      await assertMayRead(readModel, user!, 'payout', params.id, 'payout'),
      JSON.parse(
        await ledger.evaluate(await identities.reader(user!._id), 'payment', 'readPayoutEndorsement', [params.id]),
      )
    ),
  );

  routes.add(
    {
      method: 'get',
      path: '/payment-alerts',
      response: listPage(paymentAlert),
      tag,
      access: 'user',
      summary: 'Payment alerts (refused overpayments) from the read model, by contract or project',
      query: page.extend({
        contractId: ledgerId.optional(),
        projectId: ledgerId.optional(),
        payoutId: ledgerId.optional(),
      }),
    },
    async ({ query, user }) => {
      const { limit, after, ...filters } = query;
      return pageBy(readModel.model('paymentAlert'), given(filters), limit, after, user);
    },
  );
}
