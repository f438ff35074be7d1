import { status as grpcStatus } from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { decodeRefusal, Refusal, RefusalCode } from '@luohu/domain';
import { AppError } from '../platform/errors';

/** A failure of a ledger transaction, carrying its transaction ID for the client and the logs. */
export class LedgerError extends AppError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly transactionId?: string,
    headers: Record<string, string> = {},
    details?: unknown,
  ) {
    super(status, code, message, details, headers);
  }
}

/**
 * The one table from a chaincode refusal's code (the domain package's list) to the HTTP status the client gets; a
 * test beside it (ledger-errors.test.ts) checks every code has one.
 */
export const REFUSAL_STATUS: Record<RefusalCode, number> = {
  invalid_request: 400,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  illegal_transition: 409,
  overpayment_refused: 422,
  rule_broken: 422,
};

/**
 * The chaincode refused the transaction (nothing was written): its code, sentence and subject, decoded from the
 * error Fabric carried. `details.subject` names the record it is about.
 */
export class LedgerRefusal extends LedgerError {
  readonly refusal: Refusal;
  constructor(refusal: Refusal, transactionId?: string) {
    super(
      REFUSAL_STATUS[refusal.code],
      refusal.code,
      refusal.message,
      transactionId,
      {},
      refusal.subject ? { subject: refusal.subject } : undefined,
    );
    this.refusal = refusal;
  }
}

/**
 * The chaincode failed without refusing (a shim error, an uncaught exception, its server gone): nothing was written,
 * it is not the caller's fault, and the same request may succeed later.
 */
export class ChaincodeFailure extends LedgerError {
  constructor(message: string, transactionId?: string) {
    super(502, 'chaincode_error', `the chaincode failed: ${message}`, transactionId, { 'Retry-After': '2' });
  }
}

/** Endorsement (or commit) failed for a reason worth retrying later: peers or orderers unavailable, deadlines. */
export class LedgerUnavailable extends LedgerError {
  constructor(message: string, transactionId?: string) {
    super(503, 'ledger_unavailable', message, transactionId, { 'Retry-After': '2' });
  }
}

/**
 * The transaction was sent, but whether it committed is not known yet (the orderer or the peer stopped answering): it
 * may still commit, at most once. Only its transaction ID can tell; the operation stays pending until it does.
 */
export class OutcomeUnknown extends LedgerError {
  constructor(
    transactionId: string,
    readonly reason?: unknown,
    operationId?: string,
  ) {
    super(
      503,
      'outcome_unknown',
      `transaction ${transactionId} was sent and its outcome is not known yet; retry with the same Idempotency-Key to learn it`,
      transactionId,
      { 'Retry-After': '2' },
      operationId ? { operationId } : undefined,
    );
  }
}

/** Ordered but invalidated by the peers (e.g. endorsement policy failure): nothing was written. */
export class TransactionInvalid extends LedgerError {
  constructor(
    readonly validationCode: string,
    transactionId: string,
  ) {
    super(
      409,
      'transaction_invalid',
      `transaction ${transactionId} was not committed: ${validationCode}`,
      transactionId,
    );
  }
}

const RETRYABLE = new Set([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.RESOURCE_EXHAUSTED]);

/**
 * Whether sending the transaction again may succeed: the peer or orderer was unavailable or busy, and the chaincode did
 * not refuse it.
 */
export const isRetryable = (err: unknown) =>
  err instanceof GatewayError && RETRYABLE.has(err.code) && !isChaincodeRefusal(err);

/** The chaincode answered with an error: EndorseError (or an evaluate error) carrying "chaincode response 500, …". */
export function chaincodeMessage(err: GatewayError): string | undefined {
  const texts = [...err.details.map((d) => d.message), err.message];
  for (const t of texts) {
    const m = /chaincode response \d+, (.*)$/s.exec(t);
    if (m) return m[1].trim();
  }
  return undefined;
}

const isChaincodeRefusal = (err: GatewayError) => chaincodeMessage(err) !== undefined;

/**
 * The LedgerError a Fabric Gateway error means: a chaincode refusal (with its code), a chaincode failure, an invalid
 * transaction, or the ledger being unavailable.
 */
export function fromGatewayError(err: GatewayError): LedgerError {
  const transactionId = (err as EndorseError).transactionId;
  const message = chaincodeMessage(err);
  if (message !== undefined) {
    const refusal = decodeRefusal(message);
    return refusal ? new LedgerRefusal(refusal, transactionId) : new ChaincodeFailure(message, transactionId);
  }
  if (err instanceof CommitError) return new TransactionInvalid(String(err.code), err.transactionId);
  if (RETRYABLE.has(err.code) || err.name === 'SubmitError' || err instanceof CommitStatusError)
    return new LedgerUnavailable(
      `the ledger did not answer in time (${grpcStatus[err.code] ?? err.code})`,
      transactionId,
    );
  if (err.code === grpcStatus.FAILED_PRECONDITION)
    return new LedgerUnavailable(
      `the ledger cannot plan this transaction now: ${err.details.map((d) => d.message).join('; ') || err.message}`,
      transactionId,
    );
  return new LedgerError(502, 'ledger_error', err.message, transactionId, { 'Retry-After': '2' });
}
