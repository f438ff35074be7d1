import { z } from 'zod';
import type { DomainDeps } from '../domain-deps';
import { legacyAnchoredRoute } from '../operations/anchored-route';
import { UnprocessableError } from '../platform/errors';
import { ledgerId, page, reason } from '../shared/schemas';
import { PAYOUT_ENDORSERS } from './bank-confirmations';
import { given, pageBy } from '../shared/read-queries';
import { PAYOUT_STATUSES, payoutRequest } from './schemas';
import { recordFrom, sourceQuery } from '../shared/record-source';
import { assertMayRead } from '../access/read-access';
import { listPage, paymentAlert, payout, payoutEndorsement, payoutRequested, written } from '../shared/record-schemas';

const payoutPath = z.strictObject({ id: ledgerId });
const tag = 'funds';

/** The chaincode's answer to requestPayout when a cap would break: the committed alert instead of a payout. */
export function overpaymentRefusal(result: unknown) {
  const r = result as { outcome?: string; alert?: { detail?: string; rule?: string } } | null;
  if (r?.outcome !== 'refused') return undefined;
  return new UnprocessableError('overpayment_refused', r.alert?.detail ?? 'the payout would exceed a cap', { alert: r.alert });
}

/** 资金拨付: payout requests (with overpayment refusals), two-bureau approval, rejection; lists and alerts. */
export function payoutRoutes({ routes, writes, readModel, ledger, identities }: DomainDeps): void {
  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/payouts', tag, access: ['finance'], response: written(payoutRequested(payout)), body: payoutRequest,
    summary: 'Request a payout for an accepted milestone. An overpayment (milestone amount, contract sum less retention, '
      + 'project budget) is answered 422 overpayment_refused with the alert the ledger committed (listed under /payment-alerts)',
  }, ({ body }) => ({ namespace: 'payment', fn: 'requestPayout', args: [JSON.stringify(body)] }), { refusal: overpaymentRefusal });

  // Any change of a payout record is valid only if peers of both bureaus endorsed it (its key-level policy).
  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/payouts/:id/approval', tag, access: ['director'], response: written(payout), params: payoutPath,
    summary: 'Approve a requested payout (endorsed by Housing and Finance peers, as its key-level policy requires)',
  }, ({ params }) => ({ namespace: 'payment', fn: 'approvePayout', args: [params.id], endorsingOrganizations: PAYOUT_ENDORSERS }));

  legacyAnchoredRoute(routes, writes, {
    method: 'post', path: '/payouts/:id/rejection', tag, access: ['director', 'finance'], response: written(payout), params: payoutPath,
    summary: 'Reject a requested or approved (not yet paid) payout, with a reason', body: z.strictObject({ reason }),
  }, ({ params, body }) => ({ namespace: 'payment', fn: 'rejectPayout', args: [params.id, body.reason], endorsingOrganizations: PAYOUT_ENDORSERS }));

  routes.add({
    method: 'get', path: '/payouts', response: listPage(payout), tag, access: 'user', summary: 'Payouts from the read model, by contract, project, milestone and/or status',
    query: page.extend({ contractId: ledgerId.optional(), projectId: ledgerId.optional(), milestoneId: ledgerId.optional(), status: z.enum(PAYOUT_STATUSES).optional() }),
  }, async ({ query, user }) => {
    const { limit, after, ...filters } = query;
    return pageBy(readModel.model('payout'), given(filters), limit, after, user);
  });

  routes.add({
    method: 'get', path: '/payouts/:id', response: payout, tag, access: 'user', params: payoutPath,
    query: sourceQuery,
    summary: 'A payout from the read model; ?source=ledger reads it from the ledger instead (as the caller)',
  }, async ({ params, query, user }) => recordFrom({ ledger, identities, readModel }, query.source, user!, { namespace: 'payment', fn: 'readPayout', args: [params.id] }, { type: 'payout', id: params.id, what: 'payout' }));

  routes.add({
    method: 'get', path: '/payouts/:id/endorsement', response: payoutEndorsement, tag, access: 'user', params: payoutPath,
    summary: 'The key-level endorsement policy in force on a payout record (read from the ledger)',
  }, async ({ params, user }) => (await assertMayRead(readModel, user!, 'payout', params.id, 'payout'), JSON.parse(await ledger.evaluate(await identities.signer(user!._id), 'payment', 'readPayoutEndorsement', [params.id]))));

  routes.add({
    method: 'get', path: '/payment-alerts', response: listPage(paymentAlert), tag, access: 'user', summary: 'Payment alerts (refused overpayments) from the read model, by contract or project',
    query: page.extend({ contractId: ledgerId.optional(), projectId: ledgerId.optional(), payoutId: ledgerId.optional() }),
  }, async ({ query, user }) => {
    const { limit, after, ...filters } = query;
    return pageBy(readModel.model('paymentAlert'), given(filters), limit, after, user);
  });
}
