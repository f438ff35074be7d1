/** Funds (资金拨付): payout statuses and the bureaus whose peers must both endorse a payout's changes. */
import { FINANCE, HOUSING } from './bureaus';

export const PAYOUT_STATUSES = ['requested', 'approved', 'paid', 'rejected'] as const;
/** Where a payout stands: requested, then approved and paid, or rejected. */
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** A payout's key-level endorsement policy: Finance and Housing peers both. */
export const PAYOUT_ENDORSERS = [FINANCE, HOUSING] as const;
