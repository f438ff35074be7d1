import crypto from 'node:crypto';
import { expect } from 'chai';
import { Gateway } from '@hyperledger/fabric-gateway';
import * as grpc from '@grpc/grpc-js';
import { connectAs, EnrolledUser, orgByMsp, peerClient, registerAndEnroll } from '../src/client';
import { connection, networkStatus } from './support/suite-network';

const utf8 = new TextDecoder();

describe('the Luohu network', function () {
  this.timeout(60_000);
  let clerk: EnrolledUser;
  let client: grpc.Client;
  let gateway: Gateway;

  before(async () => {
    const housing = orgByMsp(connection(), 'HousingMSP');
    clerk = await registerAndEnroll(housing, `clerk-${crypto.randomUUID()}`, { role: 'clerk', dept: 'housing' });
    client = peerClient(housing);
    gateway = connectAs(clerk, client);
  });

  after(() => {
    gateway?.close();
    client?.close();
  });

  it('when status is asked, then every node is healthy, the channel has three bureaus and a Raft leader, and Fabric 2.5.0 runs', async () => {
    const status = await networkStatus();
    expect(status.fabricVersion).to.equal('2.5.0');
    expect(status.nodes.filter((n) => !n.healthy).map((n) => n.id)).to.deep.equal([]);
    expect(status.nodes.filter((n) => n.kind === 'orderer')).to.have.length(3);
    expect(status.channel.orgs.map((o) => o.mspId)).to.include.members([
      'HousingMSP',
      'FinanceMSP',
      'AuditMSP',
      'OrdererMSP',
    ]);
    expect(status.channel.raftLeader).to.match(/^orderer\d\.orderer$/);
  });

  it('when a clerk enrolled from the Housing CA submits an anchor, then it commits VALID in a block and reads back', async () => {
    const contract = gateway.getNetwork(connection().channel).getContract(connection().chaincode, 'anchor');
    const batchId = `network-test-${crypto.randomUUID()}`;
    const root = crypto.createHash('sha256').update(batchId).digest('hex');
    const commit = await contract.submitAsync('anchorBatch', { arguments: [batchId, root, '3', 'photos'] });
    const status = await commit.getStatus();
    expect(status.successful).to.equal(true);
    expect(status.code).to.equal(0); // TxValidationCode.VALID
    expect(Number(status.blockNumber)).to.be.greaterThan(0);
    const stored = JSON.parse(utf8.decode(await contract.evaluateTransaction('readBatch', batchId)));
    expect(stored).to.include({ batchId, merkleRoot: root });
  });

  it('when the chaincode is asked who the caller is, then it sees the role attribute issued by the CA', async () => {
    const contract = gateway.getNetwork(connection().channel).getContract(connection().chaincode, 'registry');
    const me = JSON.parse(utf8.decode(await contract.evaluateTransaction('whoAmI')));
    expect(me).to.include({ mspId: 'HousingMSP', role: 'clerk', dept: 'housing' });
  });
});
