/** Funds (资金拨付): payout statuses and the bureaus whose peers must both endorse a payout's changes. */
import { FINANCE, HOUSING } from './bureaus';

export const PAYOUT_STATUSES = ['requested', 'approved', 'paid', 'rejected'] as const;
/** Where a payout stands: requested, then approved and paid, or rejected. */
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** A payout's key-level endorsement policy: Finance and Housing peers both. */
export const PAYOUT_ENDORSERS = [FINANCE, HOUSING] as const;

/**
 * The caps a payout request must stay within, in the order the chaincode checks them: the milestone's amount, the
 * contract sum (after change orders) less retention, and the project's budget.
 */
export const CAP_RULES = ['milestone_amount', 'contract_sum_less_retention', 'project_budget'] as const;
/** A cap a payout must stay within. */
export type CapRule = (typeof CAP_RULES)[number];

/** One cap as it stands: its rule, its limit, and what is already committed against it (rejected payouts are not). */
export interface Cap {
  rule: CapRule;
  limit: number;
  committed: number;
}

/** The payout statuses that commit money against the caps: all but a rejected one. */
export const committedAmount = (payouts: readonly { status: string; amount: number }[]): number =>
  payouts.filter((p) => p.status !== 'rejected').reduce((sum, p) => sum + p.amount, 0);

/** The first cap a request of `amount` would break, or undefined when every cap holds (the chaincode's rule). */
export function brokenCap(amount: number, caps: readonly Cap[]): Cap | undefined {
  return caps.find((cap) => cap.committed + amount > cap.limit);
}
