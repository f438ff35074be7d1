import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { LedgerError, fromGatewayError } from './ledger/errors';
import { AppError, OverloadedError } from './platform/errors';
import type { Logger } from './platform/logger';

/** The one place where errors become HTTP responses (above platform/ and ledger/: it knows the errors of both). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toAppError(err);
    if (error.status >= 500) logger.error({ err, path: req.path }, 'request failed');
    for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
    const transactionId = error instanceof LedgerError ? error.transactionId : undefined;
    res.status(error.status).json({
      error: {
        code: error.code,
        message: error.message,
        ...(error.details !== undefined ? { details: error.details } : {}),
        ...(transactionId ? { transactionId } : {}),
      },
    });
  };
}

const DATABASE_UNAVAILABLE = /^Mongo(Network|NetworkTimeout|ServerSelection|PoolCleared|NotConnected|Topology)/;
/**
 * FerretDB answering while its PostgreSQL is down or restarting: an InternalError whose message carries PostgreSQL's
 * connection failure (pgx's "failed to connect to", SQLSTATE class 08 connection exceptions, 57P01-57P03 shutdown).
 */
const BACKEND_UNAVAILABLE = /failed to connect to `|\(SQLSTATE (08\d{3}|57P0[123])\)|conn closed|unexpected EOF/;

function databaseUnavailable(err: unknown): boolean {
  const e = err as { name?: string; codeName?: string; message?: string; code?: string; stack?: string } | undefined;
  if (DATABASE_UNAVAILABLE.test(e?.name ?? '')) return true;
  // The driver writing to a connection FerretDB has just closed (killed): Node's own EPIPE "This socket has been ended
  // by the other party", not wrapped in a MongoNetworkError (seen in the soak as a 500 for a device's alert).
  if ((e?.code === 'EPIPE' || e?.code === 'ECONNRESET') && /[\\/]mongodb[\\/]/.test(e.stack ?? '')) return true;
  return e?.name === 'MongoServerError' && e.codeName === 'InternalError' && BACKEND_UNAVAILABLE.test(e.message ?? '');
}

/** Any thrown value as the typed error it stands for (500 "internal" when unknown). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof GatewayError) return fromGatewayError(err);
  if ((err as Error)?.name === 'MongoWaitQueueTimeoutError')
    return new OverloadedError('the database is at capacity; retry shortly', 1);
  // The database restarting or unreachable: a condition to wait out; writes are safe to retry with their Idempotency-Key.
  // A second: the PostgreSQL keeper promotes the standby in about that (network/src/postgres/).
  if (databaseUnavailable(err))
    return new AppError(503, 'database_unavailable', 'the database is not answering; retry shortly', undefined, {
      'Retry-After': '1',
    });
  if (err instanceof z.ZodError)
    return new AppError(
      400,
      'invalid_request',
      'the request is not valid',
      err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  // Express's body parser: malformed JSON, too large, wrong charset.
  const status =
    (err as { status?: number; statusCode?: number })?.status ?? (err as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(
      status,
      (err as { type?: string }).type?.replace(/\./g, '_') ?? 'invalid_request',
      (err as Error).message,
    );
  }
  return new AppError(500, 'internal', 'internal error');
}
