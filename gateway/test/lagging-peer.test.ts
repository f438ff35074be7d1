import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { eventually, networkStatus } from '../../network/test/support/suite-network';
import { ClientSignedLedger } from '../src/ledger/client-signed';
import { creditCode, gatewayUnderTest, uniqueId } from './support/gateway';
import { ledgerSetup, type LedgerSetup } from './support/ledger-setup';

const WRITTEN_WITHOUT_FINANCE = { endorsingOrganizations: ['HousingMSP', 'AuditMSP'] };
const WITH_FINANCE = ['HousingMSP', 'FinanceMSP'];
const qualification = (contractor: string) =>
  JSON.stringify({ licenceNo: `L-${contractor}`, grade: 'grade1', scope: ['road'], expiry: '2099-12-31' });

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
    setup.ledger.useStatusReader(() => setup.signer('admin.housing')); // as the server does: heights read as a bureau's
    const status = await networkStatus();
    financePeer = status.nodes.find((n) => n.kind === 'peer' && n.org === 'finance')!.pid!;
  });
  after(() => setup?.close());

  const register = (id: string) =>
    setup.submitAs(
      'admin.housing',
      'registry',
      'registerContractor',
      [JSON.stringify({ id, name: `测试建设工程有限公司 ${id}`, creditCode: creditCode() })],
      WRITTEN_WITHOUT_FINANCE,
    );
  const qualify = (contractor: string, endorsingOrganizations = WRITTEN_WITHOUT_FINANCE.endorsingOrganizations) =>
    setup.submitAs('admin.housing', 'registry', 'addQualification', [contractor, qualification(contractor)], {
      endorsingOrganizations,
    });

  /**
   * Pauses Finance's peer, runs `missed` (writes that peer misses) and three more registrations (blocks for it to
   * catch up on), starts `asked` — a write or a read that reaches that peer — and resumes the peer half a second later,
   * as the proposal waits for it.
   */
  async function resumedDuring<T>(missed: () => Promise<unknown>, asked: () => Promise<T>): Promise<T> {
    process.kill(financePeer, 'SIGSTOP');
    try {
      await missed();
      for (let i = 0; i < 3; i++) await register(uniqueId('C'));
      const started = asked();
      await sleep(500);
      process.kill(financePeer, 'SIGCONT');
      return await started;
    } finally {
      process.kill(financePeer, 'SIGCONT');
    }
  }

  it('when a write signed by the gateway for its user is endorsed on the resumed peer, then it is endorsed again once that peer has caught up, and commits', async () => {
    const contractor = uniqueId('C');
    const written = await resumedDuring(
      () => register(contractor),
      () => qualify(contractor, WITH_FINANCE),
    );
    expect(written).to.have.property('qualifications').with.length(1);
  });

  it('when a proposal signed by its author is endorsed on the resumed peer, then the same signed proposal is endorsed again once that peer has caught up', async () => {
    const admin = await setup.signer('admin.housing');
    const author = { mspId: admin.mspId, certificate: admin.certificate };
    const relay = new ClientSignedLedger(setup.ledger);
    const contractor = uniqueId('C');
    const endorsed = await resumedDuring(
      () => register(contractor),
      async () => {
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
      },
    );
    expect(JSON.parse(endorsed.result)).to.have.property('qualifications').with.length(1);
  });

  it('when a read is refused (not found) by the resumed peer, then it is asked again once that peer has caught up', async () => {
    const finance = await setup.signer('admin.finance');
    await setup.ledger.evaluate(finance, 'registry', 'whoAmI', []); // connected before the pause: asked at once after it
    const contractor = uniqueId('C');
    const read = await resumedDuring(
      () => register(contractor),
      () => setup.ledger.evaluate(finance, 'registry', 'readContractor', [contractor]),
    );
    expect(JSON.parse(read)).to.have.property('id');
  });

  it('when a read a decision rests on (latest) is asked of a bureau whose peer is behind, then it sees every write acknowledged before it', async () => {
    const finance = await setup.signer('admin.finance');
    await setup.ledger.evaluate(finance, 'registry', 'whoAmI', []); // connected before the pause: asked at once after it
    const contractor = uniqueId('C');
    await register(contractor); // before the pause: Finance's peer knows the contractor, not its qualification
    const reader = await setup.signer('admin.housing');
    const height = await setup.ledger.channelHeight(reader, 'HousingMSP');
    await eventually(
      "Finance's peer to hold the contractor",
      () => setup.ledger.channelHeight(reader, 'FinanceMSP'),
      (h) => h >= height,
    );
    const read = await resumedDuring(
      () => qualify(contractor),
      () => setup.ledger.evaluate(finance, 'registry', 'readContractor', [contractor], { latest: true }),
    );
    expect(JSON.parse(read)).to.have.property('qualifications').with.length(1);
  });
});
