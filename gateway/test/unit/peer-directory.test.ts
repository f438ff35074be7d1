import { expect } from 'chai';
import type { ConnectionDescription } from '@luohu/domain';
import { PeerDirectory } from '../../src/ledger/peers';

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
});
