import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { networkStatus } from '../../network/test/support/suite-network';
import { ClientSignedLedger } from '../src/ledger/client-signed';
import { creditCode, gatewayUnderTest, uniqueId } from './support/gateway';
import { ledgerSetup, type LedgerSetup } from './support/ledger-setup';

const WRITTEN_WITHOUT_FINANCE = { endorsingOrganizations: ['HousingMSP', 'AuditMSP'] };
const WITH_FINANCE = ['HousingMSP', 'FinanceMSP'];

/**
 * Issue 14, seen in three CI soaks: a director's payout approval sent during a link cut was answered 404 not_found once
 * the link returned, though the payout request had been acknowledged — endorsed on the cut bureau's peer before it had
 * caught up, and stored as definite for its Idempotency-Key. Reproduced here without a link cut: Finance's peer is
 * paused (SIGSTOP) while Housing registers a contractor (endorsed by Housing and Audit, committed), then a write that
 * needs that contractor is endorsed by Housing and Finance, and Finance's peer resumes as the proposal reaches it — it
 * simulates before it has committed the blocks it missed.
 */
describe("a refusal from a bureau's peer that has not caught up, on the network", function () {
  this.timeout(180_000);
  let setup: LedgerSetup;
  let financePeer: number;
  before(async () => {
    await gatewayUnderTest(); // its start registers the bureaus' users (admin.housing)
    setup = await ledgerSetup();
    const status = await networkStatus();
    financePeer = status.nodes.find((n) => n.kind === 'peer' && n.org === 'finance')!.pid!;
  });
  after(() => setup?.close());

  /** Registers a contractor while Finance's peer is paused, with a few more blocks after it for that peer to miss. */
  async function registeredWhileFinancePaused(): Promise<string> {
    const contractor = uniqueId('C');
    const register = (id: string) =>
      setup.submitAs(
        'admin.housing',
        'registry',
        'registerContractor',
        [JSON.stringify({ id, name: `测试建设工程有限公司 ${id}`, creditCode: creditCode() })],
        WRITTEN_WITHOUT_FINANCE,
      );
    await register(contractor);
    for (let i = 0; i < 3; i++) await register(uniqueId('C'));
    return contractor;
  }

  const qualification = (contractor: string) =>
    JSON.stringify({ licenceNo: `L-${contractor}`, grade: 'grade1', scope: ['road'], expiry: '2099-12-31' });

  /**
   * Pauses Finance's peer, registers a contractor (with a few more blocks for that peer to miss), starts `write` for
   * it, and resumes the peer half a second later, as the write's proposal waits for it.
   */
  async function resumedDuring<T>(write: (contractor: string) => Promise<T>): Promise<T> {
    process.kill(financePeer, 'SIGSTOP');
    try {
      const started = write(await registeredWhileFinancePaused());
      await sleep(500);
      process.kill(financePeer, 'SIGCONT');
      return await started;
    } finally {
      process.kill(financePeer, 'SIGCONT');
    }
  }

  it('when a write signed by the gateway for its user is endorsed on the resumed peer, then it is endorsed again once that peer has caught up, and commits', async () => {
    const written = await resumedDuring((contractor) =>
      setup.submitAs('admin.housing', 'registry', 'addQualification', [contractor, qualification(contractor)], {
        endorsingOrganizations: WITH_FINANCE,
      }),
    );
    expect(written).to.have.property('qualifications').with.length(1);
  });

  it('when a proposal signed by its author is endorsed on the resumed peer, then the same signed proposal is endorsed again once that peer has caught up', async () => {
    const admin = await setup.signer('admin.housing');
    const author = { mspId: admin.mspId, certificate: admin.certificate };
    setup.ledger.useStatusReader(() => setup.signer('admin.housing')); // as the server does: heights read as a bureau's
    const relay = new ClientSignedLedger(setup.ledger);
    const endorsed = await resumedDuring(async (contractor) => {
      const proposal = relay.propose(
        author,
        'registry',
        'addQualification',
        [contractor, qualification(contractor)],
        WITH_FINANCE,
      );
      const message = ClientSignedLedger.messageOf('proposal', proposal.bytes);
      const signature = crypto.sign('sha256', message, admin.privateKey);
      return relay.endorse(author, proposal.bytes, signature, WITH_FINANCE);
    });
    expect(JSON.parse(endorsed.result)).to.have.property('qualifications').with.length(1);
  });
});
