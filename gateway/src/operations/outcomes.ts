import type { Status } from '@hyperledger/fabric-gateway';
import { TransactionInvalid } from '../ledger/errors';
import { codeName, type Ledger, type Receipt } from '../ledger/ledger';
import type { AppError } from '../platform/errors';
import type { OperationRecord } from './models';

/** How an operation ends: the fields stored with its final status. */
export type Settlement = Pick<OperationRecord, 'status' | 'httpStatus' | 'receipt' | 'result' | 'error' | 'retryable'>;

/** The transaction committed: the receipt, and what the chaincode answered. */
export function succeeded(receipt: Receipt, result: string): Settlement {
  return { status: 'succeeded', httpStatus: 201, receipt, result: parseResult(result), error: null, retryable: false };
}

/**
 * Whether a failure may be replayed for its Idempotency-Key: only what the ledger decided (a chaincode refusal, an
 * invalidation that a new attempt would meet again) or the request's own fault. A failure on the way — a peer, the
 * orderer or the database not answering, a conflict with a concurrent write — reached no ledger state: the same key
 * may try again.
 */
export function isDefinite(e: AppError): boolean {
  if (e instanceof TransactionInvalid)
    return e.validationCode !== 'MVCC_READ_CONFLICT' && e.validationCode !== 'PHANTOM_READ_CONFLICT';
  return e.status < 500;
}

/** The write failed: definite (replayed for its key) or not (the key may try again). */
export function failed(e: AppError): Settlement {
  const transactionId = (e as { transactionId?: string }).transactionId;
  return {
    status: 'failed',
    httpStatus: e.status,
    receipt: null,
    result: null,
    error: { status: e.status, code: e.code, message: e.message, ...(transactionId ? { transactionId } : {}) },
    retryable: !isDefinite(e),
  };
}

/** A sent transaction's outcome from its commit status: its receipt, or a definite failure. */
export function settlementOf(ledger: Ledger, status: Status, signedTransaction: Uint8Array): Settlement {
  if (!status.successful) return failed(new TransactionInvalid(codeName(status.code), status.transactionId));
  const receipt: Receipt = {
    transactionId: status.transactionId,
    blockNumber: status.blockNumber.toString(),
    validationCode: 'VALID',
  };
  return succeeded(receipt, ledger.resultOf(signedTransaction));
}

function parseResult(result: string): unknown {
  if (result === '') return null;
  try {
    return JSON.parse(result);
  } catch {
    return result;
  }
}
