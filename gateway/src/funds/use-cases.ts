import type { z } from 'zod';
import { ledgerWrite } from '../operations/ledger-write';
import { UnprocessableError } from '../platform/errors';
import { PAYOUT_ENDORSERS } from './bank-confirmations';
import type {
  acceptance,
  breach,
  changeOrder,
  decision,
  delay,
  newContract,
  payoutRequest,
  progressReport,
} from './schemas';

/**
 * 合同履约 / 资金拨付 actions: each is one ledger transaction by its actor, who may ask (the chaincode decides again from
 * the certificate) and the transaction that carries it out.
 */

/** Sign a works contract for an approved project (retention ≤ 3 %, milestones summing to the contract sum: checked on the ledger). */
export const createContract = ledgerWrite<z.infer<typeof newContract>>({
  access: ['clerk', 'director'],
  call: (contract) => ({ namespace: 'contract', fn: 'createContract', args: [JSON.stringify(contract)] }),
});

/** Propose a change order (变更): new amounts for planned milestones, or new milestones. */
export const proposeChangeOrder = ledgerWrite<{ contractId: string; order: z.infer<typeof changeOrder> }>({
  access: ['clerk', 'contractor'],
  call: ({ contractId, order }) => ({
    namespace: 'contract',
    fn: 'proposeChangeOrder',
    args: [contractId, JSON.stringify(order)],
  }),
});

/** The director's decision on a proposed change order; an approval moves the milestones and the contract sum. */
export const decideChangeOrder = ledgerWrite<{ contractId: string; changeOrderId: string } & z.infer<typeof decision>>({
  access: ['director'],
  call: ({ contractId, changeOrderId, decision: verdict, reason }) => ({
    namespace: 'contract',
    fn: verdict === 'approve' ? 'approveChangeOrder' : 'rejectChangeOrder',
    args: [contractId, changeOrderId, reason],
  }),
});

/** Report progress, planned vs actual percent; the ledger keeps the deviation. */
export const reportProgress = ledgerWrite<{ contractId: string; report: z.infer<typeof progressReport> }>({
  access: ['contractor', 'clerk', 'inspector'],
  call: ({ contractId, report }) => ({
    namespace: 'contract',
    fn: 'reportProgress',
    args: [contractId, JSON.stringify(report)],
  }),
});

/** An inspector accepts a milestone (验收), optionally naming the anchored acceptance report: it becomes payable. */
export const acceptMilestone = ledgerWrite<{ contractId: string; milestoneId: string } & z.infer<typeof acceptance>>({
  access: ['inspector'],
  call: ({ contractId, milestoneId, acceptanceReportSha256 }) => ({
    namespace: 'contract',
    fn: 'acceptMilestone',
    args: [contractId, milestoneId, acceptanceReportSha256 ?? ''],
  }),
});

/** An inspector attaches an anchored batch of site photos to a milestone (its evidence, before or after acceptance). */
export const attachMilestonePhotos = ledgerWrite<{ contractId: string; milestoneId: string; batchId: string }>({
  access: ['inspector'],
  call: ({ contractId, milestoneId, batchId }) => ({
    namespace: 'contract',
    fn: 'attachMilestonePhotos',
    args: [contractId, milestoneId, batchId],
  }),
});

/** Record a delay of a milestone (工期延误). */
export const recordDelay = ledgerWrite<{ contractId: string; incident: z.infer<typeof delay> }>({
  access: ['clerk', 'inspector'],
  call: ({ contractId, incident }) => ({
    namespace: 'contract',
    fn: 'recordDelay',
    args: [contractId, JSON.stringify(incident)],
  }),
});

/** Record a breach of contract (违约) by the employer or the contractor, with its penalty in fen. */
export const recordBreach = ledgerWrite<{ contractId: string; incident: z.infer<typeof breach> }>({
  access: ['clerk', 'director'],
  call: ({ contractId, incident }) => ({
    namespace: 'contract',
    fn: 'recordBreach',
    args: [contractId, JSON.stringify(incident)],
  }),
});

/** The chaincode's answer to requestPayout when a cap would break: the committed alert instead of a payout. */
export function overpaymentRefusal(result: unknown) {
  const r = result as { outcome?: string; alert?: { detail?: string; rule?: string } } | null;
  if (r?.outcome !== 'refused') return undefined;
  return new UnprocessableError('overpayment_refused', r.alert?.detail ?? 'the payout would exceed a cap', {
    alert: r.alert,
  });
}

/**
 * Request a payout for an accepted milestone. An overpayment (milestone amount, contract sum less retention, project
 * budget) commits an alert instead, answered as the refusal overpayment_refused.
 */
export const requestPayout = ledgerWrite<z.infer<typeof payoutRequest>>({
  access: ['finance'],
  call: (request) => ({ namespace: 'payment', fn: 'requestPayout', args: [JSON.stringify(request)] }),
  refusal: overpaymentRefusal,
});

// Any change of a payout record is valid only if peers of both bureaus endorsed it (its key-level policy).

/** Approve a requested payout (endorsed by Housing and Finance peers, as its key-level policy requires). */
export const approvePayout = ledgerWrite<{ id: string }>({
  access: ['director'],
  call: ({ id }) => ({
    namespace: 'payment',
    fn: 'approvePayout',
    args: [id],
    endorsingOrganizations: PAYOUT_ENDORSERS,
  }),
});

/** Reject a requested or approved (not yet paid) payout, with a reason. */
export const rejectPayout = ledgerWrite<{ id: string; reason: string }>({
  access: ['director', 'finance'],
  call: ({ id, reason }) => ({
    namespace: 'payment',
    fn: 'rejectPayout',
    args: [id, reason],
    endorsingOrganizations: PAYOUT_ENDORSERS,
  }),
});
