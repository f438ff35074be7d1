import mongoose from 'mongoose';
import type { Logger } from './logger';

/**
 * A mongoose connection (the process has one for requests, one for the projector). FerretDB v1 has no transactions,
 * change streams or most aggregation: every collection here is read by _id or by small equality filters, and
 * counters are kept by their writers.
 */
export async function connectDatabase(
  url: string,
  logger: Logger,
  { maxPoolSize = 20, purpose = 'requests' } = {},
): Promise<mongoose.Connection> {
  mongoose.set('strictQuery', true);
  // A request waits at most 2 s for a database connection: past that the database is the bottleneck, and the
  // error handler answers 503 + Retry-After rather than letting work pile up unbounded in the pool's queue.
  const connection = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize,
    waitQueueTimeoutMS: 2_000,
    autoIndex: false,
  });
  await connection.asPromise();
  logger.info({ url: url.replace(/\/\/[^@]*@/, '//***@'), purpose, maxPoolSize }, 'database connected');
  return connection;
}

/** Whether the database answers now (readiness): false instead of an error. */
export async function pingDatabase(connection: mongoose.Connection): Promise<boolean> {
  try {
    await connection.db!.admin().ping();
    return true;
  } catch {
    return false;
  }
}
