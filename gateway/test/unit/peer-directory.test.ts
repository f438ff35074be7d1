import { expect } from 'chai';
import type { ConnectionDescription } from '@luohu/domain';
import type { ServiceError } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { blame, PeerDirectory } from '../../src/ledger/peers';

const bureau = (name: string, mspId: string) => ({
  name,
  mspId,
  displayName: name,
  tlsRootCert: 'root',
  peers: [{ id: `peer0.${name}`, endpoint: `127.0.0.1:${name.length}`, hostnameOverride: 'localhost' }],
  ca: { url: '', caName: '', tlsRootCert: '' },
  admin: { enrollmentId: '', certFile: '', keyFile: '' },
});
const description = {
  channel: 'luohu',
  chaincode: 'luohu',
  orgs: [bureau('housing', 'HousingMSP'), bureau('finance', 'FinanceMSP'), bureau('audit', 'AuditMSP')],
  orderers: [],
  database: { url: '', backend: 'postgresql' },
} as ConnectionDescription;

/** Issue 14: one dead node must not stop a bureau's writes — its users are served by another bureau's peer. */
describe('which peer serves a bureau, and which bureaus endorse, while nodes fail', () => {
  let now = 0;
  const directory = () => new PeerDirectory(description, () => now);

  it("when a bureau's peer refused a connection, then its users are served by another bureau's peer for 5 s, then by their own again", () => {
    now = 1_000;
    const d = directory();
    expect(d.peerFor('HousingMSP').id).to.equal('peer0.housing');
    d.peerFailed(d.peerFor('HousingMSP'));
    expect(d.peerFor('HousingMSP').mspId).to.not.equal('HousingMSP');
    expect(d.peerFor('FinanceMSP').id).to.equal('peer0.finance');
    now += 5_001;
    expect(d.peerFor('HousingMSP').id).to.equal('peer0.housing');
  });

  it('when every peer failed lately, then the one passed over longest ago is tried', () => {
    now = 1_000;
    const d = directory();
    for (const msp of ['FinanceMSP', 'HousingMSP', 'AuditMSP']) {
      d.peerFailed(d.peerFor(msp));
      now += 10;
    }
    expect(d.peerFor('HousingMSP').id).to.equal('peer0.finance');
  });

  it("when one bureau's endorsement failed, then plans name the other two (a majority); when two failed, the peer plans as usual", () => {
    now = 1_000;
    const d = directory();
    expect(d.endorsers()).to.equal(undefined);
    d.endorsementFailed('HousingMSP');
    expect(d.endorsers()).to.deep.equal(['FinanceMSP', 'AuditMSP']);
    d.endorsementFailed('AuditMSP');
    expect(d.endorsers()).to.equal(undefined);
    now += 5_001;
    expect(d.endorsers()).to.equal(undefined);
  });

  it("when a bureau's only peer does not answer (cut off or dead), then plans name the other two until it is tried again", () => {
    now = 1_000;
    const d = directory();
    d.peerFailed(d.peerFor('HousingMSP'));
    expect(d.endorsers()).to.deep.equal(['FinanceMSP', 'AuditMSP']);
    now += 5_001;
    expect(d.endorsers()).to.equal(undefined);
  });

  it('when a peer passed over answers a probe, then it serves and is planned with again at once, and the plan around another silent peer stays a majority', () => {
    now = 1_000;
    const d = directory();
    const finance = d.peerFor('FinanceMSP');
    d.peerSilent(finance); // silent a moment ago, answering again now
    d.peerSilent(d.peerFor('AuditMSP')); // silent now
    expect(d.endorsers()).to.equal(undefined); // only Housing is left: no majority to name
    d.peerAnswered(finance);
    expect(d.peerFor('FinanceMSP').id).to.equal('peer0.finance');
    expect(d.endorsers()).to.deep.equal(['HousingMSP', 'FinanceMSP']);
  });

  it('when a peer that failed (cannot plan yet after a restart) answers a probe, then it stays passed over', () => {
    now = 1_000;
    const d = directory();
    const housing = d.peerFor('HousingMSP');
    d.peerFailed(housing);
    d.peerAnswered(housing);
    expect(d.peerFor('HousingMSP').mspId).to.not.equal('HousingMSP');
    now += 5_001;
    expect(d.peerFor('HousingMSP').id).to.equal('peer0.housing');
  });

  describe('what a failure blames', () => {
    const cause = {} as ServiceError;
    it('when the gateway peer refuses the connection, or cannot plan yet after a restart ("no combination of peers"), then the peer is blamed', () => {
      expect(
        blame(new GatewayError({ code: status.UNAVAILABLE, details: [], cause, message: '14 UNAVAILABLE' })).peer,
      ).to.equal(true);
      const cannotPlan = new GatewayError({
        code: status.FAILED_PRECONDITION,
        details: [],
        cause,
        message: '9 FAILED_PRECONDITION: no combination of peers can be derived which satisfy the endorsement policy',
      });
      expect(blame(cannotPlan)).to.deep.equal({ peer: true, endorsers: [] });
    });

    it('when endorsements failed at named bureaus, then those bureaus are blamed, not the gateway peer', () => {
      const failed = new EndorseError({
        code: status.ABORTED,
        details: [{ mspId: 'HousingMSP', address: 'peer0.housing', message: 'chaincode server unreachable' }],
        cause,
        transactionId: 'tx',
        message: '10 ABORTED: failed to endorse transaction',
      });
      expect(blame(failed)).to.deep.equal({ peer: false, endorsers: ['HousingMSP'] });
    });

    it('when any other precondition fails, then nothing is blamed', () => {
      const other = new GatewayError({
        code: status.FAILED_PRECONDITION,
        details: [],
        cause,
        message: '9 FAILED_PRECONDITION: x',
      });
      expect(blame(other)).to.deep.equal({ peer: false, endorsers: [] });
    });
  });
});
