import { committedAmount, type Cap, type CapRule } from '@luohu/domain';

/** What the page knows of a payout, its milestone, contract and project: enough to explain the chaincode's rules. */
export interface PayoutFacts {
  payout: { id: string; amount: number };
  milestone: { id: string; amount: number; status: string };
  contract: { sum: number; retentionAmount: number };
  projectBudget: number;
  /** The contract's payouts and the project's (every contract), the payout itself among them or not. */
  contractPayouts: readonly { id: string; milestoneId: string; status: string; amount: number }[];
  projectPayouts: readonly { id: string; status: string; amount: number }[];
}

/** One rule of a payout as the page explains it: held or broken, with its figures (fen). */
export interface RuleOutcome {
  rule: 'milestone_accepted' | CapRule;
  ok: boolean;
  limit?: number;
  committed?: number;
}

/**
 * Why a payout is allowed or refused, rule by rule, as the chaincode decides it (it is the authority; this explains):
 * its milestone accepted, then each cap — the milestone's amount, the contract sum less retention, the project's
 * budget — with what the other payouts already commit (a rejected payout commits nothing).
 */
export function payoutRules(f: PayoutFacts): RuleOutcome[] {
  const others = <T extends { id: string }>(list: readonly T[]) => list.filter((p) => p.id !== f.payout.id);
  const caps: Cap[] = [
    {
      rule: 'milestone_amount',
      limit: f.milestone.amount,
      committed: committedAmount(others(f.contractPayouts).filter((p) => p.milestoneId === f.milestone.id)),
    },
    {
      rule: 'contract_sum_less_retention',
      limit: f.contract.sum - f.contract.retentionAmount,
      committed: committedAmount(others(f.contractPayouts)),
    },
    { rule: 'project_budget', limit: f.projectBudget, committed: committedAmount(others(f.projectPayouts)) },
  ];
  return [
    { rule: 'milestone_accepted', ok: f.milestone.status === 'accepted' },
    ...caps.map((cap) => ({ ...cap, ok: cap.committed + f.payout.amount <= cap.limit })),
  ];
}

/** Days allowed from a milestone's acceptance to payment (保障中小企业款项支付条例: 30 days). */
export const PAYMENT_DAYS = 30;

/**
 * Whether a payout is late against the 30-day limit, counted from its milestone's acceptance: `overdue` while unpaid
 * past the limit, `late` when the bank confirmed it after the limit, else `ok`. Days are whole calendar days.
 */
export function paymentDeadline(
  acceptedAt: string,
  confirmedAt: string | undefined,
  now: Date,
): { state: 'ok' | 'late' | 'overdue'; dueBy: string; days: number } {
  const accepted = Date.parse(acceptedAt);
  const due = new Date(accepted + PAYMENT_DAYS * 86_400_000);
  const end = confirmedAt ? Date.parse(confirmedAt) : now.getTime();
  const days = Math.floor((end - accepted) / 86_400_000);
  const state = days <= PAYMENT_DAYS ? 'ok' : confirmedAt ? 'late' : 'overdue';
  return { state, dueBy: due.toISOString().slice(0, 10), days };
}
