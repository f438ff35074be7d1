import mongoose from 'mongoose';
import type { Logger } from './logger';

/**
 * One mongoose connection for the process. FerretDB v1 has no transactions, change streams or most aggregation:
 * every collection here is read by _id or by small equality filters, and counters are kept by their writers.
 */
export async function connectDatabase(url: string, logger: Logger): Promise<mongoose.Connection> {
  mongoose.set('strictQuery', true);
  const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: 10_000, maxPoolSize: 20, autoIndex: false });
  await connection.asPromise();
  logger.info({ url: url.replace(/\/\/[^@]*@/, '//***@') }, 'database connected');
  return connection;
}

export async function pingDatabase(connection: mongoose.Connection): Promise<boolean> {
  try {
    await connection.db!.admin().ping();
    return true;
  } catch {
    return false;
  }
}
