import mongoose, { Schema } from 'mongoose';
import type { SigningStage } from '../ledger/client-signed';
import type { ClientIdentity, Receipt } from '../ledger/ledger';

/** The author of a write who holds their own key: their username and the certificate the CA issued for it. */
export interface Author extends ClientIdentity {
  username: string;
}

/** What the author signs next, as the API shows it; `reference` names what the write is about (e.g. the alert's ID). */
export interface SignatureRequest<S extends AuthorSigningStage = SigningStage> {
  transactionId: string;
  stage: S;
  message: string;
  expiresAt: string;
  reference: string;
}

/**
 * What an author signs at a step: a seal over a document (before the transaction exists; `transactionId` then names
 * the signing session), the proposal, the transaction.
 */
export type AuthorSigningStage = 'seal' | SigningStage;

/** Every anchored write, persisted before it is sent: its attempts, and its final receipt or error. */
export interface OperationRecord {
  _id: string;
  userId: string;
  idempotencyKey: string | null;
  requestHash: string;
  action: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: { transactionId: string; at: Date }[];
  /** The last signed transaction (base64) while pending, so that a restarted gateway can resend it. */
  signedTransaction: string | null;
  /** Who signed it: the gateway with the user's key it holds, or the author on their own device (sent as it is). */
  signedBy?: 'gateway' | 'author';
  httpStatus: number | null;
  receipt: Receipt | null;
  result: unknown;
  error: { status: number; code: string; message: string; transactionId?: string } | null;
  /** A failure that reached no ledger state (see outcomes.ts): the same Idempotency-Key may try again. */
  retryable?: boolean;
  /** The replica that recorded it or took it up (replica-liveness.ts): when that one is gone, another settles it at once. */
  owner?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The operations collection on this connection (the model registered once per connection). */
export function operationModel(connection: mongoose.Connection): mongoose.Model<OperationRecord> {
  return (
    (connection.models.Operation as mongoose.Model<OperationRecord>) ??
    connection.model<OperationRecord>(
      'Operation',
      new Schema<OperationRecord>(
        {
          _id: String,
          userId: { type: String, required: true },
          idempotencyKey: { type: String, default: null },
          requestHash: { type: String, required: true },
          action: { type: String, required: true },
          status: { type: String, required: true },
          attempts: [{ _id: false, transactionId: String, at: Date }],
          signedTransaction: { type: String, default: null },
          signedBy: { type: String, default: 'gateway' },
          httpStatus: { type: Number, default: null },
          receipt: { type: Schema.Types.Mixed, default: null },
          result: { type: Schema.Types.Mixed, default: null },
          error: { type: Schema.Types.Mixed, default: null },
          retryable: { type: Boolean, default: false },
          owner: { type: String, default: null },
          createdAt: { type: Date, required: true },
          updatedAt: { type: Date, required: true },
        },
        { collection: 'operations', versionKey: false, minimize: false },
      ),
    )
  );
}
