/** Payments (资金拨付) model: payouts for accepted milestones, their caps, and overpayment alerts. */
import { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { CapRule, PAYOUT_ENDORSERS, PayoutStatus } from '@luohu/domain';
import { getRecord } from '../shared/ledger';
import { Input } from '../shared/validate';
import { Actor } from '../registry/registry';
import { refuse } from '../shared/refusal';

export const PAYOUT = 'payout';
export const PAYOUT_BY_CONTRACT = 'payout~contract';
export const PAYOUT_BY_PROJECT = 'payout~project';
export const PAYOUT_BY_STATUS = 'payout~status';
export const PAYMENT_ALERT = 'paymentAlert';
export const ALERT_BY_CONTRACT = 'paymentAlert~contract';
export const BANK_REFERENCE = 'bankReference';

/** Orgs whose peers must all endorse any later change of a payout record (state-based endorsement). */
export { PAYOUT_ENDORSERS, PAYOUT_STATUSES } from '@luohu/domain';
export type { PayoutStatus } from '@luohu/domain';

/** A payout on the ledger: what is paid for which milestone, its status, who endorses its changes, and the transfer. */
export interface Payout {
  docType: 'payout';
  id: string;
  contractId: string;
  milestoneId: string;
  projectId: string;
  amount: number;
  status: PayoutStatus;
  endorsement: { role: 'PEER'; orgs: string[] };
  requestedBy: Actor;
  requestedAt: string;
  approvedBy?: Actor;
  approvedAt?: string;
  rejectedBy?: Actor;
  rejectedAt?: string;
  rejectReason?: string;
  /** The current transfer instruction: what the bank was told to pay, to the contract's payee, by a Finance officer. */
  transfer?: TransferInstruction;
  bankConfirmation?: {
    reference: string;
    amount: number;
    instructionId?: string;
    confirmedBy: Actor;
    confirmedAt: string;
  };
}

/**
 * What the bank was told to pay: an instruction id (instructing again with the same id changes nothing), the amount
 * and the payee.
 */
export interface TransferInstruction {
  instructionId: string;
  amount: number;
  payee: { name: string; account: string };
  instructedBy: Actor;
  instructedAt: string;
}

/**
 * The limit a payout may not exceed: its milestone's amount, the contract sum less retention, or the project budget.
 */

/**
 * An overpayment attempt, committed instead of the payout so that it stays on record: which cap it would have broken.
 */
export interface PaymentAlert {
  docType: 'paymentAlert';
  id: string;
  kind: 'overpayment';
  rule: CapRule;
  payoutId: string;
  contractId: string;
  milestoneId: string;
  projectId: string;
  requestedAmount: number;
  alreadyCommitted: number;
  limit: number;
  detail: string;
  raisedBy: Actor;
  raisedAt: string;
  txId: string;
}

/** A payout request's JSON argument: id, contract, milestone and amount (fen). */
export function parsePayoutRequest(json: string) {
  const input = Input.parse('payout', json);
  const value = {
    id: input.id('id'),
    contractId: input.id('contractId'),
    milestoneId: input.id('milestoneId'),
    amount: input.int('amount', 1),
  };
  input.done();
  return value;
}

/** Serialised key-level policy: one PEER of each of Housing and Finance must endorse. */
export function payoutEndorsementPolicy(): Uint8Array {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ...PAYOUT_ENDORSERS);
  return policy.getPolicy();
}

/** The MSPs a key-level endorsement policy names, sorted; none when the key has no policy. */
export function orgsOfPolicy(bytes: Uint8Array): string[] {
  return bytes && bytes.length > 0 ? new KeyEndorsementPolicy(bytes).listOrgs().sort() : [];
}

/** The payout with this id, or a not_found refusal. */
export async function loadPayout(ctx: Context, id: string): Promise<Payout> {
  const payout = await getRecord<Payout>(ctx, PAYOUT, [id]);
  if (!payout) {
    throw refuse('not_found', `payout ${id} does not exist`, { kind: 'payout', id: id });
  }
  return payout;
}
