/** Contract `payment`: payouts (资金拨付) under a two-bureau, state-based endorsement policy. */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { Caller, actorOf, authorize } from '../shared/access';
import { requireDepartment } from '../shared/departments';
import {
  emit,
  getRecord,
  moveIndex,
  pageByIndex,
  putIndex,
  putRecord,
  recordExists,
  recordKey,
  scanIndex,
  txTime,
} from '../shared/ledger';
import { RawJson, canonicalJson } from '../shared/serialise';
import { requireId, requireInt, requireOneOf, requireText } from '../shared/validate';
import { loadProject } from '../approval/approval';
import { loadContract, loadMilestone, payableCap } from '../contract/contract';
import {
  ALERT_BY_CONTRACT,
  BANK_REFERENCE,
  PAYMENT_ALERT,
  PAYOUT,
  PAYOUT_BY_CONTRACT,
  PAYOUT_BY_PROJECT,
  PAYOUT_BY_STATUS,
  PAYOUT_ENDORSERS,
  PAYOUT_STATUSES,
  Payout,
  PaymentAlert,
  PayoutStatus,
  loadPayout,
  orgsOfPolicy,
  parsePayoutRequest,
  payoutEndorsementPolicy,
} from './payment';
import { refuse } from '../shared/refusal';
import { brokenCap, committedAmount } from '@luohu/domain';

const committed = (payouts: Payout[]): number => committedAmount(payouts);

/**
 * The `payment` namespace's transactions: request, approve or reject payouts, instruct the bank transfer and record the
 * bank's confirmation, and reads.
 */
@Info({ title: 'payment', description: 'Payouts (资金拨付)' })
export class PaymentContract extends Contract {
  constructor() {
    super('payment');
  }

  /**
   * Finance requests a payout for an accepted milestone. If the amount would break a cap (milestone amount,
   * contract sum after change orders less retention, project budget) no payout is written: the transaction
   * instead commits an overpayment alert and returns {outcome:"refused"}, so the refusal itself is on the ledger.
   */
  @Transaction()
  @Returns('string')
  async requestPayout(ctx: Context, payoutJson: string): Promise<string> {
    const caller = await authorize(ctx, 'payment.requestPayout');
    const input = parsePayoutRequest(payoutJson);
    if (await recordExists(ctx, PAYOUT, [input.id])) {
      throw refuse('already_exists', `payout ${input.id} already exists`, { kind: 'payout', id: input.id });
    }
    const contract = await loadContract(ctx, input.contractId);
    const milestone = await loadMilestone(ctx, input.contractId, input.milestoneId);
    if (milestone.status !== 'accepted') {
      throw refuse(
        'rule_broken',
        `payout ${input.id}: milestone ${input.milestoneId} of contract ${input.contractId} is ${milestone.status}, not accepted`,
      );
    }
    const project = await loadProject(ctx, contract.projectId);
    const ofContract = await scanIndex<Payout>(ctx, PAYOUT_BY_CONTRACT, [contract.id]);
    const ofProject = await scanIndex<Payout>(ctx, PAYOUT_BY_PROJECT, [project.id]);
    const broken = brokenCap(input.amount, [
      {
        rule: 'milestone_amount',
        limit: milestone.amount,
        committed: committed(ofContract.filter((p) => p.milestoneId === milestone.id)),
      },
      { rule: 'contract_sum_less_retention', limit: payableCap(contract), committed: committed(ofContract) },
      { rule: 'project_budget', limit: project.budget, committed: committed(ofProject) },
    ]);
    if (broken) {
      return this.#recordOverpayment(ctx, caller, { ...input, projectId: project.id }, broken);
    }
    const payout: Payout = {
      docType: 'payout',
      ...input,
      projectId: project.id,
      status: 'requested',
      endorsement: { role: 'PEER', orgs: [...PAYOUT_ENDORSERS] },
      requestedBy: actorOf(caller),
      requestedAt: txTime(ctx),
    };
    const key = recordKey(ctx, PAYOUT, [payout.id]);
    const state = await putRecord(ctx, PAYOUT, [payout.id], payout);
    await ctx.stub.setStateValidationParameter(key, payoutEndorsementPolicy());
    await putIndex(ctx, PAYOUT_BY_CONTRACT, [payout.contractId, payout.id], key);
    await putIndex(ctx, PAYOUT_BY_PROJECT, [payout.projectId, payout.id], key);
    await putIndex(ctx, PAYOUT_BY_STATUS, [payout.status, payout.id], key);
    emit(ctx, { type: 'payment.requested', ids: this.#ids(payout), state });
    return canonicalJson({ outcome: 'requested', payout: state });
  }

  /** Housing's approval; the payout key's policy makes this commit only if Housing and Finance peers both endorsed. */
  @Transaction()
  @Returns('string')
  async approvePayout(ctx: Context, payoutId: string): Promise<string> {
    const caller = await authorize(ctx, 'payment.approvePayout');
    const payout = await this.#readPayout(ctx, payoutId);
    this.#expect(payout, ['requested'], 'be approved');
    return this.#save(
      ctx,
      payout,
      { status: 'approved', approvedBy: actorOf(caller), approvedAt: txTime(ctx) },
      'payment.approved',
    );
  }

  @Transaction()
  @Returns('string')
  async rejectPayout(ctx: Context, payoutId: string, reason: string): Promise<string> {
    const caller = await authorize(ctx, 'payment.rejectPayout');
    requireText('reason', reason, 2000);
    const payout = await this.#readPayout(ctx, payoutId);
    this.#expect(payout, ['requested', 'approved'], 'be rejected');
    return this.#save(
      ctx,
      payout,
      { status: 'rejected', rejectedBy: actorOf(caller), rejectedAt: txTime(ctx), rejectReason: reason },
      'payment.rejected',
    );
  }

  /**
   * A Finance Bureau finance officer instructs the bank transfer of an approved payout: the instruction records the
   * amount and the payee account of the contract as the ledger has it (never one from the request), and the bank
   * is sent exactly that. A new instruction (after the bank refused or failed one) replaces the previous one;
   * repeating the current one changes nothing.
   */
  @Transaction()
  @Returns('string')
  async instructTransfer(ctx: Context, payoutId: string, instructionId: string): Promise<string> {
    const caller = await authorize(ctx, 'payment.instructTransfer');
    if (caller.dept === 'settlement') {
      throw refuse(
        'forbidden',
        "access denied: the settlement desk records the bank's confirmations and never instructs a transfer",
      );
    }
    const instruction = requireId('instructionId', instructionId);
    const payout = await this.#readPayout(ctx, payoutId);
    this.#expect(payout, ['approved'], 'be sent to the bank');
    if (payout.transfer?.instructionId === instruction) {
      return canonicalJson(payout);
    }
    const contract = await loadContract(ctx, payout.contractId);
    const transfer = {
      instructionId: instruction,
      amount: payout.amount,
      payee: contract.payee,
      instructedBy: actorOf(caller),
      instructedAt: txTime(ctx),
    };
    return this.#save(ctx, payout, { transfer }, 'payment.transfer_instructed');
  }

  /**
   * The bank's confirmation, recorded once, by the Finance Bureau's settlement desk: it must name the payout's
   * current instruction and its amount; a bank reference is never reused.
   */
  @Transaction()
  @Returns('string')
  async confirmBankPayment(
    ctx: Context,
    payoutId: string,
    instructionId: string,
    bankReference: string,
    amount: string,
  ): Promise<string> {
    const caller = await authorize(ctx, 'payment.confirmBankPayment');
    requireDepartment(caller, 'settlement');
    const instruction = requireId('instructionId', instructionId);
    const reference = requireId('bankReference', bankReference);
    const paid = requireInt('amount', amount, 1);
    const payout = await this.#readPayout(ctx, payoutId);
    if (payout.bankConfirmation) {
      throw refuse(
        'illegal_transition',
        `payout ${payoutId} already has bank confirmation ${payout.bankConfirmation.reference}; a second confirmation is refused`,
      );
    }
    this.#expect(payout, ['approved'], 'be confirmed as paid');
    if (!payout.transfer) {
      throw refuse(
        'rule_broken',
        `payout ${payoutId}: no transfer was instructed; a bank confirmation without an instruction is refused`,
      );
    }
    if (payout.transfer.instructionId !== instruction) {
      throw refuse(
        'rule_broken',
        `payout ${payoutId}: the bank confirms instruction ${instruction}, but the current instruction is ${payout.transfer.instructionId}`,
      );
    }
    if (paid !== payout.amount || paid !== payout.transfer.amount) {
      throw refuse(
        'rule_broken',
        `payout ${payoutId}: bank confirmation amount ${paid} differs from the payout amount ${payout.amount}`,
      );
    }
    const used = await getRecord<{ payoutId: string }>(ctx, BANK_REFERENCE, [reference]);
    if (used) {
      throw refuse(
        'already_exists',
        `payout ${payoutId}: bank reference ${reference} already confirms payout ${used.payoutId}`,
      );
    }
    await putRecord(ctx, BANK_REFERENCE, [reference], { payoutId });
    const bankConfirmation = {
      reference,
      amount: paid,
      instructionId: instruction,
      confirmedBy: actorOf(caller),
      confirmedAt: txTime(ctx),
    };
    return this.#save(ctx, payout, { status: 'paid', bankConfirmation }, 'payment.bank_confirmed');
  }

  @Transaction(false)
  @Returns('string')
  async readPayout(ctx: Context, payoutId: string): Promise<string> {
    await authorize(ctx, 'payment.read');
    return canonicalJson(await this.#readPayout(ctx, payoutId));
  }

  /** The key-level endorsement policy in force on a payout record, as the list of orgs that must endorse. */
  @Transaction(false)
  @Returns('string')
  async readPayoutEndorsement(ctx: Context, payoutId: string): Promise<string> {
    await authorize(ctx, 'payment.read');
    await this.#readPayout(ctx, payoutId);
    const bytes = await ctx.stub.getStateValidationParameter(recordKey(ctx, PAYOUT, [payoutId]));
    return canonicalJson({ payoutId, role: 'PEER', orgs: orgsOfPolicy(bytes) });
  }

  @Transaction(false)
  @Returns('string')
  async listPayoutsByContract(ctx: Context, contractId: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'payment.read');
    return canonicalJson(
      await pageByIndex<Payout>(ctx, PAYOUT_BY_CONTRACT, [requireId('contractId', contractId)], pageSize, bookmark),
    );
  }

  @Transaction(false)
  @Returns('string')
  async listPayoutsByStatus(ctx: Context, status: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'payment.read');
    return canonicalJson(
      await pageByIndex<Payout>(
        ctx,
        PAYOUT_BY_STATUS,
        [requireOneOf('status', status, PAYOUT_STATUSES)],
        pageSize,
        bookmark,
      ),
    );
  }

  @Transaction(false)
  @Returns('string')
  async listPaymentAlerts(ctx: Context, contractId: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'payment.read');
    return canonicalJson(
      await pageByIndex<PaymentAlert>(
        ctx,
        ALERT_BY_CONTRACT,
        [requireId('contractId', contractId)],
        pageSize,
        bookmark,
      ),
    );
  }

  async #readPayout(ctx: Context, payoutId: string): Promise<Payout> {
    return loadPayout(ctx, requireId('payoutId', payoutId));
  }

  #expect(payout: Payout, allowed: PayoutStatus[], action: string): void {
    if (!allowed.includes(payout.status)) {
      throw refuse(
        'illegal_transition',
        `payout ${payout.id} is ${payout.status} and cannot ${action} (allowed from: ${allowed.join(', ')})`,
      );
    }
  }

  #ids(payout: Payout): Record<string, string> {
    return {
      payoutId: payout.id,
      contractId: payout.contractId,
      milestoneId: payout.milestoneId,
      projectId: payout.projectId,
      status: payout.status,
    };
  }

  async #save(ctx: Context, payout: Payout, change: Partial<Payout>, type: string): Promise<string> {
    const from = payout.status;
    Object.assign(payout, change);
    const key = recordKey(ctx, PAYOUT, [payout.id]);
    await moveIndex(ctx, PAYOUT_BY_STATUS, [from, payout.id], [payout.status, payout.id], key);
    const state = await putRecord(ctx, PAYOUT, [payout.id], payout);
    emit(ctx, { type, ids: this.#ids(payout), state });
    return state.json;
  }

  async #recordOverpayment(
    ctx: Context,
    caller: Caller,
    request: { id: string; contractId: string; milestoneId: string; projectId: string; amount: number },
    cap: { rule: PaymentAlert['rule']; limit: number; committed: number },
  ): Promise<string> {
    const txId = ctx.stub.getTxID();
    const alert: PaymentAlert = {
      docType: 'paymentAlert',
      id: `overpay:${txId}`,
      kind: 'overpayment',
      rule: cap.rule,
      payoutId: request.id,
      contractId: request.contractId,
      milestoneId: request.milestoneId,
      projectId: request.projectId,
      requestedAmount: request.amount,
      alreadyCommitted: cap.committed,
      limit: cap.limit,
      detail: `payout ${request.id} of ${request.amount} refused: ${cap.committed} already committed + ${request.amount} exceeds ${cap.rule} ${cap.limit}`,
      raisedBy: actorOf(caller),
      raisedAt: txTime(ctx),
      txId,
    };
    const state: RawJson = await putRecord(ctx, PAYMENT_ALERT, [alert.id], alert);
    await putIndex(ctx, ALERT_BY_CONTRACT, [alert.contractId, alert.id], recordKey(ctx, PAYMENT_ALERT, [alert.id]));
    emit(ctx, {
      type: 'payment.overpayment_refused',
      ids: { alertId: alert.id, payoutId: request.id, contractId: request.contractId, projectId: request.projectId },
      state,
    });
    return canonicalJson({ outcome: 'refused', alert: state });
  }
}
