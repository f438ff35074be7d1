import { status as grpcStatus } from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { AppError } from '../platform/errors';

/** A failure of a ledger transaction, carrying its transaction ID for the client and the logs. */
export class LedgerError extends AppError {
  constructor(status: number, code: string, message: string, readonly transactionId?: string, headers: Record<string, string> = {}) {
    super(status, code, message, undefined, headers);
  }
}

/**
 * The chaincode refused the transaction (nothing was written). Its messages follow fixed shapes — "X does not exist",
 * "access denied: …", "… already …", "… cannot <step> while <state>", "… must be …" — which classify the refusal.
 */
export class LedgerRefusal extends LedgerError {
  constructor(message: string, transactionId?: string) {
    const [status, code] = classifyRefusal(message);
    super(status, code, message, transactionId);
  }
}

export function classifyRefusal(message: string): [number, string] {
  if (/^access denied|may be revoked only by|is not bound to|is assigned to/i.test(message)) return [403, 'forbidden'];
  if (/does not exist/.test(message)) return [404, 'not_found'];
  if (/must be|must have|is not valid JSON|unknown field|may have at most|needs a|contains a reserved/.test(message)) return [400, 'invalid_request'];
  if (/already|cannot .* while|can become \S+ only from|is (requested|approved|paid|rejected|revoked|superseded|answered|closed)\b/.test(message)) return [409, 'conflict'];
  return [422, 'rule_broken'];
}

/** Endorsement (or commit) failed for a reason worth retrying later: peers or orderers unavailable, deadlines. */
export class LedgerUnavailable extends LedgerError {
  constructor(message: string, transactionId?: string) {
    super(503, 'ledger_unavailable', message, transactionId, { 'Retry-After': '2' });
  }
}

/** Ordered but invalidated by the peers (e.g. endorsement policy failure): nothing was written. */
export class TransactionInvalid extends LedgerError {
  constructor(readonly validationCode: string, transactionId: string) {
    super(409, 'transaction_invalid', `transaction ${transactionId} was not committed: ${validationCode}`, transactionId);
  }
}

const RETRYABLE = new Set([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.RESOURCE_EXHAUSTED]);

export const isRetryable = (err: unknown) => err instanceof GatewayError && RETRYABLE.has(err.code) && !isChaincodeRefusal(err);

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

export function fromGatewayError(err: GatewayError): LedgerError {
  const transactionId = (err as EndorseError).transactionId;
  const refusal = chaincodeMessage(err);
  if (refusal !== undefined) return new LedgerRefusal(refusal, transactionId);
  if (err instanceof CommitError) return new TransactionInvalid(String(err.code), err.transactionId);
  if (RETRYABLE.has(err.code) || err.name === 'SubmitError' || err instanceof CommitStatusError) return new LedgerUnavailable(`the ledger did not answer in time (${grpcStatus[err.code] ?? err.code})`, transactionId);
  if (err.code === grpcStatus.FAILED_PRECONDITION) return new LedgerUnavailable(`the ledger cannot plan this transaction now: ${err.details.map((d) => d.message).join('; ') || err.message}`, transactionId);
  return new LedgerError(502, 'ledger_error', err.message, transactionId);
}
