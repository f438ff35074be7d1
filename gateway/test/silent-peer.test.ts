import crypto from 'node:crypto';
import { expect } from 'chai';
import { networkStatus } from '../../network/test/support/suite-network';
import { ClientSignedLedger } from '../src/ledger/client-signed';
import { positionOf } from '../src/projection/events';
import { creditCode, eventually, gatewayUnderTest, uniqueId } from './support/gateway';
import { ledgerSetup, type LedgerSetup } from './support/ledger-setup';

/** How long the peer stays paused at most: beyond every deadline a hung call would otherwise wait out (15 s). */
const PAUSED_AT_MOST_MS = 20_000;

/** How long a peer waits for another's endorsement before it plans without it (network/src/configs.ts). */
const ENDORSEMENT_TIMEOUT_MS = 5_000;

const contractorJson = (id: string) =>
  JSON.stringify({ id, name: `测试建设工程有限公司 ${id}`, creditCode: creditCode() });

/**
 * Issue 14: a bureau's peer that stops answering without closing its connections — its link cut (the soak's link
 * fault: packets dropped, not refused), or its process hung — gave the gateway no error to fail over on, so its users'
 * calls waited out their deadlines (5 s to evaluate, 15 s to endorse or submit) or the link's return. Here Housing's
 * peer is paused (SIGSTOP: its connections stay open, nothing answers) and a Housing user's calls must be answered
 * while it is still paused: through another bureau's peer, with Housing left out of the endorsement plan.
 */
describe("a bureau's peer that stops answering, on the network", function () {
  this.timeout(180_000);
  let setup: LedgerSetup;
  let housingPeer: number;
  let otherPeers: Array<{ org: string; pid: number }>;
  before(async () => {
    await gatewayUnderTest(); // its start registers the bureaus' users (admin.housing, admin.audit)
    const peers = (await networkStatus()).nodes.filter((n) => n.kind === 'peer');
    housingPeer = peers.find((n) => n.org === 'housing')!.pid!;
    otherPeers = peers.filter((n) => n.org !== 'housing').map((n) => ({ org: n.org!, pid: n.pid! }));
  });
  // A Ledger of each test's own: one that found the peer silent passes it over for a few seconds.
  beforeEach(async () => {
    setup = await ledgerSetup();
    setup.ledger.useStatusReader(() => setup.signer('admin.audit')); // as the server does: Audit's events reader
    await setup.evaluateAs('admin.housing', 'registry', 'whoAmI', []); // connected to Housing's peer before the pause
  });
  afterEach(async () => {
    for (const pid of [housingPeer, ...otherPeers.map((p) => p.pid)]) process.kill(pid, 'SIGCONT');
    await setup?.close();
  });

  /**
   * Pauses Housing's peer, then starts `call` (or lets `call` pause it, `pausedBy: 'call'`); the peer resumes once the
   * call is answered or after PAUSED_AT_MOST_MS. Whether the answer came while the peer was still paused.
   */
  const whilePaused = <T>(call: () => Promise<T>, pausedBy: 'test' | 'call' = 'test') =>
    whilePausedPeer(housingPeer, call, pausedBy);

  async function whilePausedPeer<T>(pid: number, call: () => Promise<T>, pausedBy: 'test' | 'call' = 'test') {
    if (pausedBy === 'test') process.kill(pid, 'SIGSTOP');
    let resumed = false;
    const timer = setTimeout(() => {
      resumed = true;
      process.kill(pid, 'SIGCONT');
    }, PAUSED_AT_MOST_MS);
    try {
      const value = await call();
      return { value, answeredWhilePaused: !resumed };
    } finally {
      clearTimeout(timer);
      process.kill(pid, 'SIGCONT');
    }
  }

  it('when a user of the silent bureau reads, then another bureau’s peer answers', async () => {
    const contractor = uniqueId('C');
    await setup.submitAs('admin.housing', 'registry', 'registerContractor', [contractorJson(contractor)]);
    const read = await whilePaused(() => setup.evaluateAs('admin.housing', 'registry', 'readContractor', [contractor]));
    expect(read.answeredWhilePaused).to.equal(true);
    expect(read.value).to.have.property('id', contractor);
  });

  it('when a user of the silent bureau writes, then the write is endorsed and committed without that bureau', async () => {
    const contractor = uniqueId('C');
    const written = await whilePaused(() =>
      setup.submitAs('admin.housing', 'registry', 'registerContractor', [contractorJson(contractor)]),
    );
    expect(written.answeredWhilePaused).to.equal(true);
    expect(written.value).to.have.property('id', contractor);
    expect(await setup.evaluateAs('admin.audit', 'registry', 'readContractor', [contractor])).to.have.property(
      'id',
      contractor,
    );
  });

  it('when the peer falls silent after endorsing, then the same transaction is sent through another peer and its commit is reported', async () => {
    const contractor = uniqueId('C');
    const user = await setup.signer('admin.housing');
    const written = await whilePaused(
      () =>
        setup.ledger.submit(user, 'registry', 'registerContractor', [contractorJson(contractor)], {
          onSigned: async () => void process.kill(housingPeer, 'SIGSTOP'), // endorsed; about to be sent
        }),
      'call',
    );
    expect(written.answeredWhilePaused).to.equal(true);
    expect(written.value.receipt.validationCode).to.equal('VALID');
    const history = (await setup.evaluateAs('admin.audit', 'audit', 'recordHistory', [
      'contractor',
      JSON.stringify([contractor]),
    ])) as unknown[];
    expect(history).to.have.length(1);
  });

  it('when the author of a signed proposal belongs to the silent bureau, then the same signed proposal is endorsed elsewhere and committed', async () => {
    const admin = await setup.signer('admin.housing');
    const author = { mspId: admin.mspId, certificate: admin.certificate };
    const relay = new ClientSignedLedger(setup.ledger);
    const contractor = uniqueId('C');
    const written = await whilePaused(async () => {
      const proposal = relay.propose(author, 'registry', 'registerContractor', [contractorJson(contractor)]);
      const proposalSignature = crypto.sign(
        'sha256',
        ClientSignedLedger.messageOf('proposal', proposal.bytes),
        admin.privateKey,
      );
      const endorsed = await relay.endorse(author, proposal.bytes, proposalSignature);
      const envelopeSignature = crypto.sign(
        'sha256',
        ClientSignedLedger.messageOf('transaction', endorsed.bytes),
        admin.privateKey,
      );
      return relay.submit(relay.signTransaction(author, endorsed.bytes, envelopeSignature));
    });
    expect(written.answeredWhilePaused).to.equal(true);
    expect(written.value.receipt.validationCode).to.equal('VALID');
  });

  /**
   * The peer serving the user answers, but the plan it makes may name the silent bureau's peer, and then it waits for
   * it until its endorsement timeout (5 s, `peer.gateway.endorsementTimeout`). Before, the gateway blamed the serving
   * peer for the silence and sent the call again through the next peer — at times the silent one: 5.3 s for a write
   * with Audit's peer paused. Now the peers are probed, and the write goes again, planned without the one that does
   * not answer. Each of the other bureaus' peers is paused in turn, so that one of them is in the serving peer's plan.
   */
  it('when a peer the serving peer plans to endorse with is silent, then the write is endorsed without it well within the peer’s endorsement timeout', async () => {
    for (const paused of otherPeers) {
      process.kill(paused.pid, 'SIGSTOP');
      try {
        for (let i = 0; i < 2; i++) {
          const contractor = uniqueId('C');
          const started = Date.now();
          const written = await setup.submitAs('admin.housing', 'registry', 'registerContractor', [
            contractorJson(contractor),
          ]);
          expect(written, `${paused.org} paused, write ${i + 1}`).to.have.property('id', contractor);
          expect(Date.now() - started, `${paused.org} paused, write ${i + 1}: ms`).to.be.below(ENDORSEMENT_TIMEOUT_MS);
        }
      } finally {
        process.kill(paused.pid, 'SIGCONT');
      }
    }
  });

  /**
   * The read model's events come from Audit's peer (the gateway's events reader is Audit's). A silent peer keeps a
   * stream open and empty: before, the read model stood still while writes went on through the other peers, until
   * the peer answered again.
   */
  it('when the peer the read model’s events come from is silent, then the events come through another peer and the read model keeps up', async () => {
    const g = await gatewayUnderTest();
    const auditPeer = otherPeers.find((p) => p.org === 'audit')!.pid;
    const housing = await setup.signer('admin.housing');
    const contractor = uniqueId('C');
    const written = await whilePausedPeer(auditPeer, async () => {
      const { receipt } = await setup.ledger.submit(housing, 'registry', 'registerContractor', [
        contractorJson(contractor),
      ]);
      const position = positionOf(Number(receipt.blockNumber), 0);
      return eventually(
        'the read model to pass the write',
        () => g.projector.checkpoint.readPosition(),
        (at) => at >= position,
        PAUSED_AT_MOST_MS,
      );
    });
    expect(written.answeredWhilePaused).to.equal(true);
  });
});
