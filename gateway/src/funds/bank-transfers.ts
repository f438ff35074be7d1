import type mongoose from 'mongoose';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import { ConflictError, NotFoundError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { BankAdapter, BankRejected, TransferInstruction, withDeadline } from './bank-adapter';
import type { BankConfirmations, LedgerPayout } from './bank-confirmations';
import type { BankSettings } from '../config';
import { historyEntry, RESENDABLE, TransferRecord, TransferStatus, transferView } from './bank-transfer-model';

/** The route a key holder's signed instruction continues on (see AnchoredWrites.continuations). */
export const BANK_TRANSFER_ROUTE = 'POST /payouts/:id/bank-transfer';

/** Who the bank pays: the name and account the contract holds on the ledger. */
export interface Payee {
  name: string;
  account: string;
}

/**
 * Sending approved payouts to the bank and keeping at it: deadlines, retries with back-off under the same
 * instruction id, reports when the bank refuses or stays silent, and reconciliation of notifications that never came.
 * Every step claims the transfer with a conditional update, so replicas never send or confirm the same one twice.
 */
export class BankTransfers {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly Transfer: mongoose.Model<TransferRecord>,
    private readonly adapter: BankAdapter,
    private readonly confirmations: BankConfirmations,
    private readonly settings: BankSettings,
    private readonly logger: Logger,
  ) {}

  /**
   * Finance sends an approved payout to the bank; the answer is the transfer, the confirmation comes later. The
   * instruction is first a ledger transaction by the sending officer (only a Finance Bureau finance officer may), which
   * fixes the amount and the payee account from the contract on the ledger; the bank is sent exactly that.
   */
  async send(user: AuthenticatedUser, payoutId: string, notifyUrl: string) {
    const payout = await this.confirmations.readPayout(user._id, payoutId);
    if (payout.status === 'paid')
      throw new ConflictError(
        `payout ${payoutId} is already paid (bank reference ${payout.bankConfirmation?.reference ?? 'unknown'}); nothing is sent`,
      );
    const existing = await this.Transfer.findById(payoutId).lean();
    // A retried request gets the same transfer back.
    if (existing && !RESENDABLE.includes(existing.status)) {
      if (existing.status === 'confirmed' || existing.status === 'confirming')
        throw new ConflictError(
          `payout ${payoutId} is already paid or being confirmed (transfer ${existing.status}); nothing is sent`,
        );
      return transferView(existing);
    }
    if (payout.status !== 'approved')
      throw new ConflictError(`payout ${payoutId} is ${payout.status}; only an approved payout is sent to the bank`);
    const round = existing ? existing.round + 1 : 1;
    let instructed: LedgerPayout;
    if (user.custody === 'own') {
      // The finance officer signs the instruction: answered with the proposal; the rest runs once it committed.
      const step = await this.confirmations.instructAsAuthor(user, payoutId, instructionId(payoutId, round), {
        route: BANK_TRANSFER_ROUTE,
        state: { payoutId, notifyUrl },
      });
      if ('sign' in step) return step;
      instructed = step.payout;
    } else {
      instructed = await this.confirmations.instruct(user._id, payoutId, instructionId(payoutId, round));
    }
    const transfer = instructed.transfer;
    if (!transfer || transfer.instructionId !== instructionId(payoutId, round) || transfer.amount !== payout.amount) {
      throw new ConflictError(
        `the ledger did not record instruction ${instructionId(payoutId, round)} for payout ${payoutId}`,
      );
    }
    const payee: Payee = transfer.payee;
    const now = new Date();
    let claimed: TransferRecord | null;
    if (!existing) {
      const record: TransferRecord = {
        _id: payoutId,
        payoutId,
        contractId: payout.contractId,
        projectId: payout.projectId,
        amount: payout.amount,
        payee,
        notifyUrl,
        round,
        instructionId: instructionId(payoutId, round),
        instructionIds: [instructionId(payoutId, round)],
        status: 'sending',
        attempts: 0,
        nextAttemptAt: null,
        leaseUntil: this.confirmations.lease(),
        bankReference: null,
        acknowledgedAt: null,
        notifications: 0,
        confirmAttempts: 0,
        confirmation: null,
        lastError: null,
        history: [historyEntry('sending', `round ${round} by ${user._id}`)],
        requestedBy: user._id,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.Transfer.create(record);
        claimed = record;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        throw new ConflictError(`payout ${payoutId} was sent to the bank by a concurrent request`);
      }
    } else {
      // Finance resends after a refusal or a failure: a new round, a new instruction id (instructed on the ledger above).
      claimed = await this.Transfer.findOneAndUpdate(
        { _id: payoutId, status: existing.status, round: existing.round },
        {
          $set: {
            status: 'sending',
            round,
            instructionId: instructionId(payoutId, round),
            payee,
            notifyUrl,
            attempts: 0,
            nextAttemptAt: null,
            leaseUntil: this.confirmations.lease(),
            bankReference: null,
            acknowledgedAt: null,
            lastError: null,
            requestedBy: user._id,
            updatedAt: now,
          },
          $push: {
            instructionIds: instructionId(payoutId, round),
            history: historyEntry('sending', `round ${round} by ${user._id}`),
          },
        },
        { returnDocument: 'after' },
      ).lean();
      if (!claimed)
        throw new ConflictError(`the transfer of payout ${payoutId} changed meanwhile; read it and try again`);
    }
    return transferView(await this.attempt(claimed));
  }

  async get(payoutId: string) {
    const t = await this.Transfer.findById(payoutId).lean();
    if (!t) throw new NotFoundError(`payout ${payoutId} has not been sent to the bank`);
    return transferView(t);
  }

  async list(filter: { status?: TransferStatus; contractId?: string }, limit: number, after?: string) {
    const query: Record<string, unknown> = {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.contractId ? { contractId: filter.contractId } : {}),
    };
    const docs = await this.Transfer.find(after ? { ...query, _id: { $gt: after } } : query)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean();
    const items = docs.slice(0, limit);
    return { items: items.map(transferView), next: docs.length > limit ? items[items.length - 1]._id : null };
  }

  /** One submission of a claimed ('sending') transfer. */
  private async attempt(t: TransferRecord): Promise<TransferRecord> {
    const attempts = t.attempts + 1;
    const mine = { _id: t._id, instructionId: t.instructionId, status: 'sending' as const };
    try {
      const ack = await withDeadline(this.adapter.submitTransfer(instruction(t)), this.settings.timeoutMs);
      const detail = `${ack.bankReference}${ack.duplicate ? ' (duplicate instruction: the bank had it already)' : ''}`;
      const sent = await this.Transfer.updateOne(mine, {
        $set: {
          status: 'sent',
          attempts,
          bankReference: ack.bankReference,
          acknowledgedAt: new Date(),
          leaseUntil: null,
          nextAttemptAt: null,
          lastError: null,
          updatedAt: new Date(),
        },
        $push: { history: historyEntry('acknowledged', detail) },
      });
      // The notification can outrun the acknowledgement: then the transfer has moved on; keep only the reference.
      if (sent.matchedCount === 0)
        await this.Transfer.updateOne(
          { _id: t._id, instructionId: t.instructionId, bankReference: null },
          { $set: { bankReference: ack.bankReference, acknowledgedAt: new Date() } },
        );
    } catch (err) {
      const message = (err as Error).message;
      let set: Partial<TransferRecord>;
      if (err instanceof BankRejected) {
        set = { status: 'bank_rejected', lastError: `${err.code}: ${message}` };
      } else if (attempts >= this.settings.maxAttempts) {
        set = {
          status: 'needs_attention',
          lastError: `no answer from the bank after ${attempts} attempts: ${message}`,
        };
      } else {
        set = {
          status: 'retrying',
          nextAttemptAt: new Date(Date.now() + this.settings.retryBaseMs * 2 ** (attempts - 1)),
          lastError: message,
        };
      }
      const r = await this.Transfer.updateOne(mine, {
        $set: { ...set, attempts, leaseUntil: null, updatedAt: new Date() },
        $push: { history: historyEntry(set.status!, message) },
      });
      if (r.matchedCount === 0)
        await this.Transfer.updateOne(
          { _id: t._id },
          { $push: { history: historyEntry('answer lost', `${message} (the notification came first)`) } },
        );
      else
        this.logger.warn(
          { payoutId: t.payoutId, instructionId: t.instructionId, attempts, status: set.status, err: message },
          'bank transfer not acknowledged: the payout stays approved',
        );
    }
    return (await this.Transfer.findById(t._id).lean())!;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => {
        this.sweeping = undefined;
      });
    }, this.settings.sweepMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    this.adapter.close?.();
  }

  /** Due retries, work a stopped replica left behind, ledger confirmations to retry, silent acknowledged transfers. */
  async sweep(): Promise<void> {
    try {
      for (let n = 0; n < 50; n++) {
        const now = new Date();
        const t = await this.Transfer.findOneAndUpdate(
          {
            $or: [
              { status: 'retrying', nextAttemptAt: { $lte: now } },
              { status: 'sending', leaseUntil: { $lt: now } },
            ],
          },
          { $set: { status: 'sending', leaseUntil: this.confirmations.lease(), updatedAt: now } },
          { returnDocument: 'after' },
        ).lean();
        if (!t) break;
        await this.attempt(t);
      }
      for (let n = 0; n < 50; n++) {
        const now = new Date();
        const t = await this.Transfer.findOneAndUpdate(
          {
            $or: [
              { status: 'confirm_retry', nextAttemptAt: { $lte: now } },
              { status: 'confirming', leaseUntil: { $lt: now } },
            ],
          },
          {
            $set: { status: 'confirming', leaseUntil: this.confirmations.lease(), updatedAt: now },
            $inc: { confirmAttempts: 1 },
          },
          { returnDocument: 'after' },
        ).lean();
        if (!t) break;
        await this.confirmations.confirm(t);
      }
      const quiet = await this.Transfer.find({
        status: 'sent',
        acknowledgedAt: { $lt: new Date(Date.now() - this.settings.reconcileAfterMs) },
      })
        .limit(20)
        .lean();
      for (const t of quiet) await this.reconcile(t);
    } catch (err) {
      this.logger.warn({ err }, 'bank transfer sweep failed');
    }
  }

  /** The notification never came: ask the bank, and apply its answer as if it had been notified. */
  private async reconcile(t: TransferRecord): Promise<void> {
    const s = await this.adapter.transferStatus(t.instructionId);
    if (s.status === 'settled' || s.status === 'failed') {
      await this.confirmations.onNotification(
        {
          instructionId: t.instructionId,
          payoutId: t.payoutId,
          bankReference: s.bankReference,
          status: s.status,
          amount: s.status === 'settled' ? s.amount : t.amount,
          ...(s.status === 'failed' ? { reason: s.reason } : {}),
          at: new Date().toISOString(),
        },
        'reconciliation',
      );
    } else {
      // Still pending at the bank (or unknown to it): look again after another quiet period.
      await this.Transfer.updateOne(
        { _id: t._id, status: 'sent' },
        {
          $set: { acknowledgedAt: new Date() },
          $push: { history: historyEntry('reconciled', `bank says ${s.status}`) },
        },
      );
    }
  }
}

const instructionId = (payoutId: string, round: number) => `${payoutId}.r${round}`;

function instruction(t: TransferRecord): TransferInstruction {
  return {
    instructionId: t.instructionId,
    payoutId: t.payoutId,
    amount: t.amount,
    currency: 'CNY',
    payee: t.payee,
    remittanceInfo: `Luohu works payout ${t.payoutId} (contract ${t.contractId})`,
    notifyUrl: t.notifyUrl,
  };
}
