import mongoose, { Schema } from 'mongoose';
import type { Receipt } from '../ledger/ledger';
import { mask } from './bank-adapter';

/**
 * A payout's journey through the bank, kept off-chain by the gateway (account details never go on the ledger):
 *
 *   sending → sent → confirming → confirmed            (the bank settled; the ledger recorded it once)
 *   sending → retrying → sending …                      (timeout / bank down; same instruction id, never paid twice)
 *   sending|retrying → needs_attention                  (attempts exhausted: reported, finance resends)
 *   sending → bank_rejected; sent → settlement_failed   (reported; the payout stays approved; finance may resend)
 *   confirming → confirm_retry → confirming …           (the ledger could not take the confirmation yet)
 */
export const TRANSFER_STATUSES = [
  'sending',
  'sent',
  'retrying',
  'bank_rejected',
  'settlement_failed',
  'needs_attention',
  'confirming',
  'confirm_retry',
  'confirmed',
] as const;
/** Where a payout's transfer stands, from instruction to confirmation on the ledger. */
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

/** States from which finance may send the payout again (a new round, a new instruction id). */
export const RESENDABLE: TransferStatus[] = ['bank_rejected', 'settlement_failed', 'needs_attention'];
/** States in which a "settled" notification may start the ledger confirmation. */
export const CONFIRMABLE: TransferStatus[] = ['sending', 'sent', 'retrying', 'needs_attention', 'confirm_retry'];

/** A payout's transfer as the gateway tracks it: instructions, the bank's answers and notifications, history. */
export interface TransferRecord {
  _id: string; // payout id: one transfer per payout
  payoutId: string;
  contractId: string;
  projectId: string;
  amount: number;
  payee: { name: string; account: string };
  notifyUrl: string;
  round: number;
  instructionId: string;
  instructionIds: string[];
  status: TransferStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  leaseUntil: Date | null;
  bankReference: string | null;
  acknowledgedAt: Date | null;
  notifications: number;
  confirmAttempts: number;
  confirmation: { operationId: string; receipt: Receipt | null } | null;
  lastError: string | null;
  history: { at: Date; event: string; detail?: string }[];
  requestedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** strictQuery off: the schema declares only _id, and the claims below filter on status, instruction and lease. */
export function transferModel(connection: mongoose.Connection): mongoose.Model<TransferRecord> {
  return (
    (connection.models.BankTransfer as mongoose.Model<TransferRecord>) ??
    connection.model<TransferRecord>(
      'BankTransfer',
      new Schema<TransferRecord>(
        { _id: String },
        { collection: 'bank_transfers', strict: false, strictQuery: false, versionKey: false },
      ),
    )
  );
}

/** A line of a transfer's history, stamped now. */
export const historyEntry = (event: string, detail?: string) => ({
  at: new Date(),
  event,
  ...(detail ? { detail } : {}),
});

/** What the API shows: the account masked, no bookkeeping. */
export function transferView(t: TransferRecord) {
  return {
    payoutId: t.payoutId,
    contractId: t.contractId,
    projectId: t.projectId,
    amount: t.amount,
    payee: { name: t.payee.name, account: mask(t.payee.account) },
    status: t.status,
    round: t.round,
    instructionId: t.instructionId,
    attempts: t.attempts,
    nextAttemptAt: t.nextAttemptAt,
    bankReference: t.bankReference,
    notifications: t.notifications,
    confirmation: t.confirmation,
    lastError: t.lastError,
    history: t.history,
    requestedBy: t.requestedBy,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
