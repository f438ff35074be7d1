import crypto from 'node:crypto';
import type { IdentityService } from '../../src/identity/identity-service';

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
