import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import type { IdentityService } from '../../src/identity/identity-service';
import type { WriteRequest } from '../../src/operations/anchored-writes';
import { connectDatabase } from '../../src/platform/database';
import type { Logger } from '../../src/platform/logger';
import { testConfig } from './gateway';

/** Signers for anchored-write tests on a steered ledger: any user signs with a fresh P-256 key (nothing checks it). */
export const testSigners = {
  signer: async (id: string) => ({
    id,
    mspId: 'HousingMSP',
    certificate: 'cert',
    privateKey: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  }),
} as unknown as IdentityService;

/** Waits until `ok` holds, checking every 10 ms; fails after `ms`. */
export async function until(ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The operation record's ID for a user's Idempotency-Key, as the gateway derives it (to look the record up). */
export const operationIdOf = (userId: string, key: string) =>
  crypto.createHash('sha256').update(`${userId}\0${key}`).digest('hex').slice(0, 32);

/** inspector-1 anchoring batch `batchId`: the write these tests send through AnchoredWrites. */
export const anchorWrite = (batchId: string, idempotencyKey?: string, async = false): WriteRequest => ({
  userId: 'inspector-1',
  idempotencyKey,
  fingerprint: { batchId },
  namespace: 'anchor',
  fn: 'anchorBatch',
  args: [batchId],
  async,
});

/**
 * A database of the calling test file's own on the suite's FerretDB (recovery looks at every pending operation in its
 * database): opened before the file's tests, dropped after them.
 */
export function ownDatabase(prefix: string, logger: Logger): { readonly connection: mongoose.Connection } {
  let connection: mongoose.Connection | undefined;
  before(async () => {
    const url = new URL(testConfig().mongoUrl);
    url.pathname = `/${prefix}_${crypto.randomUUID().slice(0, 8)}`;
    connection = await connectDatabase(url.toString(), logger);
  });
  after(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });
  return {
    get connection() {
      if (!connection) throw new Error('the database opens in a before hook');
      return connection;
    },
  };
}
