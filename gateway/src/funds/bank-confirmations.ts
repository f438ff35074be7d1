import { PAYOUT_ENDORSERS as DOMAIN_PAYOUT_ENDORSERS } from '@luohu/domain';
import type mongoose from 'mongoose';
import type { IdentityService } from '../identity/identity-service';
import type { Ledger } from '../ledger/ledger';
import type { AnchoredWrites } from '../operations/anchored-writes';
import type { SignatureRequest } from '../operations/models';
import type { AuthenticatedUser } from '../platform/authenticated-user';
import { AppError, NotFoundError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { BankNotification } from './bank-adapter';
import type { BankSettings } from '../config';
import { CONFIRMABLE, historyEntry, TransferRecord, TransferStatus } from './bank-transfer-model';

/**
 * Who signs bank confirmations on the ledger: a system user of the Finance Bureau with role finance, registered by
 * admin.finance at start. A notification has no signed-in user behind it, and confirmBankPayment is finance @ Finance.
 */
export const BANK_CALLBACK_USER = 'system.bank-settlement';
/** Orgs whose peers must endorse any change of a payout record (its key-level policy). */
/** The bureaus whose peers endorse every change of a payout (the chaincode's key-level policy). */
export const PAYOUT_ENDORSERS: string[] = [...DOMAIN_PAYOUT_ENDORSERS];

/** The payout fields the bank confirmation checks against the ledger. */
export interface LedgerPayout {
  id: string;
  status: string;
  amount: number;
  contractId: string;
  projectId: string;
  /**
   * The instruction a Finance officer put on the ledger: the bank is sent exactly this amount, to exactly this payee.
   */
  transfer?: { instructionId: string; amount: number; payee: { name: string; account: string } };
  bankConfirmation?: { reference: string; amount: number };
}

/** What a bank notification led to: confirmed on the ledger, a duplicate, recorded, or flagged for a person. */
export interface NotificationOutcome {
  outcome: 'confirmed' | 'duplicate' | 'recorded' | 'needs_attention' | 'ignored' | 'confirm_retry';
  status: TransferStatus;
}

/** The bank's notifications, applied at most once: a settled payout is confirmed on the ledger exactly once. */
export class BankConfirmations {
  constructor(
    private readonly Transfer: mongoose.Model<TransferRecord>,
    private readonly writes: AnchoredWrites,
    private readonly ledger: Ledger,
    private readonly identities: IdentityService,
    private readonly settings: BankSettings,
    private readonly logger: Logger,
  ) {}

  /** The payout as the ledger has it, from a peer that holds every write acknowledged so far (decisions rest on it). */
  async readPayout(userId: string, payoutId: string): Promise<LedgerPayout> {
    const reader = await this.identities.reader(userId);
    return JSON.parse(
      await this.ledger.evaluate(reader, 'payment', 'readPayout', [payoutId], { latest: true }),
    ) as LedgerPayout;
  }

  /**
   * The transfer instruction as a ledger transaction by the finance officer sending it: the chaincode refuses anyone
   * but a Finance Bureau finance officer and takes the payee from the contract on the ledger.
   */
  /**
   * The instruction as its finance officer's own transaction, when they hold their key: the first request answers with
   * the proposal to sign; once committed (or on a later request, replayed by its key) the payout as the ledger has it.
   */
  async instructAsAuthor(
    user: AuthenticatedUser,
    payoutId: string,
    instructionId: string,
    continueWith: { route: string; state: unknown },
  ): Promise<{ sign: SignatureRequest } | { payout: LedgerPayout }> {
    const step = await this.writes.forAuthors!.start(
      await this.identities.author(user._id),
      `bank-instruct:${instructionId}`,
      { payoutId, instructionId },
      instructTransferCall(payoutId, instructionId),
      'payment.instructTransfer',
      continueWith,
    );
    return 'sign' in step ? step : { payout: step.done.body.result as LedgerPayout };
  }

  async instruct(userId: string, payoutId: string, instructionId: string): Promise<LedgerPayout> {
    const out = await this.writes.write({
      userId,
      idempotencyKey: `bank-instruct:${instructionId}`,
      fingerprint: { payoutId, instructionId },
      ...instructTransferCall(payoutId, instructionId),
      async: false,
    });
    return out.body.result as LedgerPayout;
  }

  lease(): Date {
    return new Date(Date.now() + this.settings.timeoutMs + 30_000);
  }

  async onNotification(n: BankNotification, source: 'callback' | 'reconciliation'): Promise<NotificationOutcome> {
    const t = await this.Transfer.findById(n.payoutId).lean();
    if (!t || !t.instructionIds.includes(n.instructionId))
      throw new NotFoundError(`no bank transfer instruction ${n.instructionId} for payout ${n.payoutId}`);
    await this.Transfer.updateOne(
      { _id: t._id },
      {
        $inc: { notifications: 1 },
        $push: {
          history: historyEntry(
            `bank notified ${n.status}`,
            `${source}: ${n.instructionId} ${n.bankReference}${n.reason ? ` (${n.reason})` : ''}`,
          ),
        },
      },
    );
    if (n.instructionId !== t.instructionId || n.amount !== t.amount) {
      // An earlier round, or an amount we never sent: money may have moved unexpectedly — a person must look.
      if (n.status === 'failed') return { outcome: 'ignored', status: t.status };
      return this.flag(
        t,
        `unexpected notification: ${n.instructionId} settled ${n.amount} (current ${t.instructionId}, amount ${t.amount})`,
      );
    }
    if (n.status === 'failed') {
      const failed = await this.Transfer.findOneAndUpdate(
        {
          _id: t._id,
          instructionId: n.instructionId,
          status: { $in: ['sending', 'sent', 'retrying', 'needs_attention'] },
        },
        {
          $set: {
            status: 'settlement_failed',
            lastError: `settlement failed: ${n.reason ?? 'no reason given'}`,
            leaseUntil: null,
            nextAttemptAt: null,
            updatedAt: new Date(),
          },
        },
        { returnDocument: 'after' },
      ).lean();
      if (!failed) return { outcome: 'duplicate', status: (await this.current(t._id)).status };
      this.logger.warn(
        { payoutId: t.payoutId, instructionId: n.instructionId, reason: n.reason },
        'bank transfer failed at settlement: the payout stays approved',
      );
      return { outcome: 'recorded', status: 'settlement_failed' };
    }
    const claimed = await this.Transfer.findOneAndUpdate(
      { _id: t._id, instructionId: n.instructionId, status: { $in: CONFIRMABLE } },
      {
        $set: {
          status: 'confirming',
          bankReference: n.bankReference,
          leaseUntil: this.lease(),
          nextAttemptAt: null,
          updatedAt: new Date(),
        },
        $inc: { confirmAttempts: 1 },
      },
      { returnDocument: 'after' },
    ).lean();
    if (!claimed) {
      // Another delivery of the same notification is confirming it, or already did: answer OK, change nothing.
      const now = await this.current(t._id);
      if (now.status === 'confirming' || now.status === 'confirmed' || now.status === 'confirm_retry')
        return { outcome: 'duplicate', status: now.status };
      return this.flag(now, `settled notification for a transfer that is ${now.status}`);
    }
    const done = await this.confirm(claimed);
    return {
      outcome:
        done.status === 'confirmed'
          ? 'confirmed'
          : done.status === 'confirm_retry'
            ? 'confirm_retry'
            : 'needs_attention',
      status: done.status,
    };
  }

  /**
   * Records the settlement on the ledger, signed by the bank-callback identity; the transfer must be claimed
   * ('confirming').
   */
  async confirm(t: TransferRecord): Promise<TransferRecord> {
    let set: Partial<TransferRecord>;
    let event: string;
    try {
      const out = await this.writes.write({
        userId: BANK_CALLBACK_USER,
        // One key per claim: a retried claim after a transient failure must not replay that failure.
        idempotencyKey: `bank-confirm:${t.instructionId}:${t.confirmAttempts}`,
        fingerprint: {
          payoutId: t.payoutId,
          instructionId: t.instructionId,
          bankReference: t.bankReference,
          amount: t.amount,
        },
        namespace: 'payment',
        fn: 'confirmBankPayment',
        args: [t.payoutId, t.instructionId, String(t.bankReference), String(t.amount)],
        endorsingOrganizations: PAYOUT_ENDORSERS,
        async: false,
      });
      set = {
        status: 'confirmed',
        confirmation: { operationId: out.body.operationId, receipt: out.body.receipt ?? null },
        lastError: null,
      };
      event = `confirmed on the ledger in transaction ${out.body.receipt?.transactionId}`;
    } catch (err) {
      const e = err instanceof AppError ? err : undefined;
      const message = e?.message ?? (err as Error).message;
      if (e?.status === 409 && (e.code === 'illegal_transition' || e.code === 'already_exists')) {
        // The ledger refuses a second confirmation: ours, whose answer was lost, or someone else's.
        const payout = await this.readPayout(BANK_CALLBACK_USER, t.payoutId).catch(() => undefined);
        const ours = payout?.status === 'paid' && payout.bankConfirmation?.reference === t.bankReference;
        set = ours
          ? {
              status: 'confirmed',
              confirmation: t.confirmation ?? { operationId: 'ledger', receipt: null },
              lastError: null,
            }
          : { status: 'needs_attention', lastError: message };
        event = ours ? 'already confirmed on the ledger' : `the ledger refused the confirmation: ${message}`;
      } else if (
        (!e || e.status >= 500 || e.code === 'transaction_invalid') &&
        t.confirmAttempts < this.settings.maxAttempts
      ) {
        set = {
          status: 'confirm_retry',
          nextAttemptAt: new Date(Date.now() + this.settings.retryBaseMs * 2 ** (t.confirmAttempts - 1)),
          lastError: message,
        };
        event = `ledger confirmation failed, will retry: ${message}`;
      } else {
        set = { status: 'needs_attention', lastError: message };
        event = `ledger confirmation failed: ${message}`;
      }
      this.logger.warn({ payoutId: t.payoutId, err: message, next: set.status }, 'bank confirmation not recorded');
    }
    const done = await this.Transfer.findOneAndUpdate(
      { _id: t._id, status: 'confirming' },
      {
        $set: { ...set, leaseUntil: null, updatedAt: new Date() },
        $push: { history: historyEntry(set.status!, event) },
      },
      { returnDocument: 'after' },
    ).lean();
    return done ?? this.current(t._id);
  }

  private async flag(t: TransferRecord, problem: string): Promise<NotificationOutcome> {
    this.logger.error({ payoutId: t.payoutId, problem }, 'bank transfer needs attention');
    // A recorded confirmation stays; anything else waits for a person.
    const status: TransferStatus = t.status === 'confirmed' || t.status === 'confirming' ? t.status : 'needs_attention';
    await this.Transfer.updateOne(
      { _id: t._id },
      {
        $set: { status, lastError: problem, leaseUntil: null, nextAttemptAt: null, updatedAt: new Date() },
        $push: { history: historyEntry('needs attention', problem) },
      },
    );
    return { outcome: 'needs_attention', status };
  }

  private async current(id: string): Promise<TransferRecord> {
    return (await this.Transfer.findById(id).lean())!;
  }
}

/** The ledger transaction that instructs the bank transfer of an approved payout (endorsed by both bureaus). */
const instructTransferCall = (payoutId: string, instructionId: string) => ({
  namespace: 'payment',
  fn: 'instructTransfer',
  args: [payoutId, instructionId],
  endorsingOrganizations: PAYOUT_ENDORSERS,
});
