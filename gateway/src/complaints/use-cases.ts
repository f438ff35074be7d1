import { ledgerWrite } from '../operations/ledger-write';
import type { ComplaintHandling } from './handling';

/**
 * 投诉处理 actions by staff (the citizen's side is ComplaintIntake): each is one ledger transaction by its actor. The
 * dispatch plan and the answer's off-chain text come from ComplaintHandling, after the Idempotency-Key lookup.
 */
export function complaintUseCases(handling: ComplaintHandling) {
  return {
    /** Dispatch to the responsible unit (default: the service's usual one) with a deadline in working days. */
    dispatch: ledgerWrite<{ id: string; unit?: string; workingDays?: number }>({
      access: ['clerk', 'director'],
      call: async ({ id, unit, workingDays }) => {
        const plan = await handling.dispatchPlan(id, unit, workingDays);
        return { namespace: 'complaint', fn: 'dispatchComplaint', args: [id, plan.unit, plan.deadline] };
      },
    }),
    /** Start handling (a clerk of the assigned unit). */
    start: ledgerWrite<{ id: string }>({
      access: ['clerk'],
      call: ({ id }) => ({ namespace: 'complaint', fn: 'startComplaint', args: [id] }),
    }),
    /** Answer: the text stays off-chain, its salted hash goes on the ledger. */
    answer: ledgerWrite<{ id: string; answer: string }>({
      access: ['clerk'],
      call: async ({ id, answer }, actor) => ({
        namespace: 'complaint',
        fn: 'answerComplaint',
        args: [id, await handling.draftAnswer(actor, id, answer)],
      }),
    }),
    /** Close an answered complaint. */
    close: ledgerWrite<{ id: string }>({
      access: ['clerk'],
      call: ({ id }) => ({ namespace: 'complaint', fn: 'closeComplaint', args: [id] }),
    }),
    /** Reopen an answered or closed complaint; it is then dispatched again. */
    reopen: ledgerWrite<{ id: string; reason: string }>({
      access: ['clerk'],
      call: ({ id, reason }) => ({ namespace: 'complaint', fn: 'reopenComplaint', args: [id, reason] }),
    }),
    /** Escalate (督办) an overdue complaint by hand (the scheduler does it automatically). */
    escalate: ledgerWrite<{ id: string }>({
      access: ['clerk', 'director'],
      call: ({ id }) => ({ namespace: 'complaint', fn: 'escalateComplaint', args: [id] }),
    }),
  };
}
