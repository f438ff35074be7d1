import crypto from 'node:crypto';
import { RESENDABLE, type TransferRecord } from '../../../gateway/src/funds/bank-transfer-model';
import type { PayoutCast } from '../funds-cast';
import { Answer, answerOf, newRecord, ReplicaClient, untilDefinite, WriteRecord } from '../writers';
import { NEXT_STEP_AFTER_MS, sleep } from './application';
import { keyedWrite } from './keyed-write';
import type { Workload } from './workload';

/** Milestones per contract (the most a contract may have); each payout slot takes the next one. */
const MILESTONES = 100;
const AMOUNT = 10_000; // fen
/** How long one attempt waits for the bank's notification to be confirmed on the ledger before sending again. */
const CONFIRMATION_WAIT_MS = 30_000;

const milestoneId = (i: number) => `M${String(i + 1).padStart(3, '0')}`;

function contractBody(id: string, p: PayoutCast) {
  const milestones = Array.from({ length: MILESTONES }, (_, i) => ({
    id: milestoneId(i),
    name: `浸泡测试里程碑 ${i + 1}`,
    plannedDate: '2027-06-30',
    amount: AMOUNT,
  }));
  return {
    id,
    projectId: p.projectId,
    title: `浸泡测试合同 ${id}`,
    employer: '深圳市罗湖区住房和建设局',
    contractorId: p.company,
    payee: { name: '罗湖建设工程有限公司', account: '6222000012345678' }, // an account the bank simulator settles
    sum: MILESTONES * AMOUNT,
    retentionPercent: 0,
    milestones,
  };
}

/**
 * The bank's side of a payout: finance sends the approved payout to the bank (202), the bank's signed notification
 * comes back to the gateway, which confirms the payment on the ledger. The attempt's answer is that confirmation's
 * receipt (201), or the transfer's failure; no confirmation in time is no answer (the request is sent again: the gateway
 * answers it with the same transfer).
 */
async function paidByBank(finance: ReplicaClient, payoutId: string): Promise<Answer> {
  const sent = await finance.request('POST', `/v1/payouts/${payoutId}/bank-transfer`, {}, {});
  if (sent.status !== 202 && sent.status !== 200) return answerOf(sent);
  for (const deadline = Date.now() + CONFIRMATION_WAIT_MS; Date.now() < deadline; await sleep(500)) {
    const res = await finance.request('GET', `/v1/payouts/${payoutId}/bank-transfer`, undefined, {});
    if (res.status !== 200) continue;
    const transfer = res.body as Pick<TransferRecord, 'status' | 'confirmation'>;
    const receipt = transfer.confirmation?.receipt;
    if (receipt)
      return { at: Date.now(), status: 201, transactionId: receipt.transactionId, blockNumber: receipt.blockNumber };
    if (RESENDABLE.includes(transfer.status)) return { at: Date.now(), status: 422, code: transfer.status };
  }
  throw new Error(`payout ${payoutId}: the bank's payment not confirmed within ${CONFIRMATION_WAIT_MS} ms`);
}

/**
 * Payouts with bank callbacks, each a chain of records: the inspector accepts the next milestone of the current
 * contract (the clerk signs a new contract of 100 milestones when one is used up: a record of the slot that opens it),
 * finance requests its payout, the director approves it, finance sends it to the bank and the bank's notification
 * marks it paid. Each step after the previous one's 201.
 */
export function payouts(p: PayoutCast, runId: string): Workload {
  let taken = 0;
  const contracts = new Map<number, Promise<WriteRecord>>();
  let requestInFlight = false;
  return {
    name: 'payout',
    write: async (slot, giveUpAt) => {
      // One payout request at a time, as one finance officer works: the ledger takes them one per block anyway (each
      // reads every payout of its contract and project, so requests in one block invalidate each other), and at the
      // soak's rate concurrent ones only queued up behind 409s. A payout slot that comes while a chain has not had its
      // request answered writes nothing; approvals and bank payments of earlier chains go on meanwhile.
      if (requestInFlight) return [];
      requestInFlight = true;
      const requested = () => (requestInFlight = false);
      try {
        return await chain(slot, giveUpAt, requested);
      } finally {
        requested();
      }
    },
  };

  async function chain(slot: number, giveUpAt: () => number, requested: () => void): Promise<WriteRecord[]> {
    const n = taken++;
    const contractId = `CT-SOAK-${runId}-${Math.floor(n / MILESTONES)}`;
    const records: WriteRecord[] = [];
    let signed = contracts.get(Math.floor(n / MILESTONES));
    if (!signed) {
      const target = { recordKind: 'contract', key: [contractId] };
      const write = { id: contractId, target, path: '/v1/contracts', body: contractBody(contractId, p) };
      signed = keyedWrite('contract', p.clerk, write, giveUpAt);
      contracts.set(Math.floor(n / MILESTONES), signed);
      records.push(await signed);
    }
    if ((await signed).final?.status !== 201) return records;
    const m = milestoneId(n % MILESTONES);
    const payoutId = `PAY-SOAK-${runId}-${slot}`;
    const steps: [string, ReplicaClient, { id: string; target: WriteRecord['target']; path: string; body: unknown }][] =
      [
        [
          'milestone-acceptance',
          p.inspector,
          {
            id: `${contractId}/${m}`,
            target: { recordKind: 'milestone', key: [contractId, m], status: 'accepted' },
            path: `/v1/contracts/${contractId}/milestones/${m}/acceptance`,
            body: {},
          },
        ],
        [
          'payout-request',
          p.finance,
          {
            id: payoutId,
            target: { recordKind: 'payout', key: [payoutId] },
            path: '/v1/payouts',
            body: { id: payoutId, contractId, milestoneId: m, amount: AMOUNT },
          },
        ],
        [
          'payout-approval',
          p.director,
          {
            id: payoutId,
            target: { recordKind: 'payout', key: [payoutId], status: 'approved' },
            path: `/v1/payouts/${payoutId}/approval`,
            body: {},
          },
        ],
      ];
    for (const [kind, who, write] of steps) {
      await sleep(NEXT_STEP_AFTER_MS);
      const record = await keyedWrite(kind, who, write, giveUpAt);
      if (kind === 'payout-request') requested();
      records.push(record);
      if (record.final?.status !== 201) return records;
    }
    await sleep(NEXT_STEP_AFTER_MS);
    const target = { recordKind: 'payout', key: [payoutId], status: 'paid' };
    const paid = newRecord('bank-payment', payoutId, crypto.randomUUID(), target, p.finance.username);
    records.push(await untilDefinite(paid, p.finance, () => paidByBank(p.finance, payoutId), giveUpAt));
    return records;
  }
}
