import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import { CertificateAuthority } from '../../src/identity/certificate-authority';
import { IdentityService } from '../../src/identity/identity-service';
import { Ledger, type SigningUser, type SubmitOptions } from '../../src/ledger/ledger';
import { connectDatabase } from '../../src/platform/database';
import { createLogger } from '../../src/platform/logger';
import { creditCode, testConfig } from './gateway';

/**
 * Test-only ledger access for set-up the API does not offer yet (registry transactions): a Ledger and an
 * IdentityService on the suite's network and database, signing as an existing gateway user (e.g. admin.housing).
 */
export interface LedgerSetup {
  ledger: Ledger;
  /** An existing gateway user's signing identity (key included). */
  signer(username: string): Promise<SigningUser>;
  submitAs(username: string, namespace: string, fn: string, args: string[], options?: SubmitOptions): Promise<unknown>;
  /** A query straight to the ledger, signed as `username`: what the chaincode answers, not the read model. */
  evaluateAs(username: string, namespace: string, fn: string, args: string[]): Promise<unknown>;
  /** A contractor holding a valid qualification for the given project types (registry, as admin.housing). */
  qualifiedContractor(scope: string[], grade?: 'special' | 'grade1' | 'grade2' | 'grade3'): Promise<string>;
  close(): Promise<void>;
}

export async function ledgerSetup(): Promise<LedgerSetup> {
  const config = testConfig();
  const logger = createLogger('silent');
  const connection: mongoose.Connection = await connectDatabase(config.mongoUrl, logger);
  const ledger = new Ledger(config.connection, logger);
  const identities = new IdentityService(
    connection,
    new CertificateAuthority(config.connection),
    config.keyEncryptionKey,
    config.sessionTtlMs,
    logger,
  );
  const submitAs = async (username: string, namespace: string, fn: string, args: string[], options?: SubmitOptions) => {
    const { result } = await ledger.submit(await identities.signer(username), namespace, fn, args, options);
    return result ? JSON.parse(result) : null;
  };
  return {
    ledger,
    signer: (username) => identities.signer(username),
    submitAs,
    async evaluateAs(username, namespace, fn, args) {
      const result = await ledger.evaluate(await identities.reader(username), namespace, fn, args);
      return result ? JSON.parse(result) : null;
    },
    async qualifiedContractor(scope, grade = 'grade1') {
      const id = `C-${crypto.randomUUID().slice(0, 13)}`;
      await submitAs('admin.housing', 'registry', 'registerContractor', [
        JSON.stringify({ id, name: `测试建设工程有限公司 ${id}`, creditCode: creditCode() }),
      ]);
      await submitAs('admin.housing', 'registry', 'addQualification', [
        id,
        JSON.stringify({ licenceNo: `L-${id}`, grade, scope, expiry: '2099-12-31' }),
      ]);
      return id;
    },
    async close() {
      ledger.close();
      await connection.close();
    },
  };
}
