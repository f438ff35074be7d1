import crypto from 'node:crypto';
import { expect } from 'chai';
import { CertificateAuthority } from '../src/identity/certificate-authority';
import { Ledger, type SigningUser } from '../src/ledger/ledger';
import { createLogger } from '../src/platform/logger';
import { bureauRegistrar, testConfig } from './support/gateway';

/**
 * Found by the long soak (a complaint answered 500 "No signing implementation"): the transaction the gateway signs for a
 * user was kept for recovery before fabric-gateway had signed it (it signs at submit), so recovery, which resends the
 * kept bytes without the user's key, could not send it.
 */
describe('a transaction kept for recovery', function () {
  this.timeout(120_000);

  it('when the gateway stops after keeping a transaction it signed for a user, then recovery sends the kept bytes as they are and they commit', async () => {
    const config = testConfig();
    const enrolled = await new CertificateAuthority(config.connection).registerAndEnroll(
      bureauRegistrar(config, 'HousingMSP'),
      `inspector-${crypto.randomUUID().slice(0, 8)}`,
      { role: 'inspector' },
    );
    const inspector: SigningUser = {
      id: 'inspector',
      mspId: 'HousingMSP',
      certificate: enrolled.certificate,
      privateKey: crypto.createPrivateKey(enrolled.privateKeyPem),
    };
    const ledger = new Ledger(config.connection, createLogger('silent'));
    ledger.useStatusReader(async () => inspector);
    try {
      const batchId = `kept-${crypto.randomUUID()}`;
      let kept: { transactionId: string; bytes: Uint8Array } | undefined;
      const stopped = await ledger
        .submit(
          inspector,
          'anchor',
          'anchorBatch',
          [batchId, crypto.randomBytes(32).toString('hex'), '1', 'sensor-log'],
          {
            onSigned: async (transactionId, bytes) => {
              kept = { transactionId, bytes };
              throw new Error('the gateway stops here');
            },
          },
        )
        .catch((err: Error) => err.message);
      expect(stopped).to.equal('the gateway stops here');

      // Recovery: a Ledger that holds no key for this user, only the kept bytes.
      const recovery = new Ledger(config.connection, createLogger('silent'));
      recovery.useStatusReader(async () => inspector);
      try {
        const status = await recovery.resend(kept!.bytes, 30_000);
        expect(status?.successful, `code ${status?.code}`).to.equal(true);
        expect(status?.transactionId).to.equal(kept!.transactionId);
      } finally {
        recovery.close();
      }
    } finally {
      ledger.close();
    }
  });
});
