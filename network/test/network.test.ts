import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Gateway } from '@hyperledger/fabric-gateway';
import * as grpc from '@grpc/grpc-js';
import { connectAs, EnrolledUser, orgByMsp, peerClient, registerAndEnroll } from '../src/client';
import { connection, networkCli, networkStatus, suiteEnv, type StatusReport } from './support/suite-network';

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

  it("when a running peer's config is not what up writes (an earlier version's), then up restarts that peer alone, with the new one", async () => {
    const pid = (s: StatusReport, id: string) => s.nodes.find((n) => n.id === id)!.pid;
    const file = path.join(suiteEnv.LUOHU_NETWORK_DIR, 'config', 'peer0.audit', 'core.yaml');
    const current = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, current.replace(/minInterval: \S+/, 'minInterval: 3600s'));
    expect(fs.readFileSync(file, 'utf8')).to.not.equal(current);
    const before = await networkStatus();

    const up = await networkCli(['up']);

    expect(up.code, up.stderr).to.equal(0);
    expect(up.stderr).to.contain('restarting peer0.audit: its config changed');
    const after = await networkStatus();
    expect(pid(after, 'peer0.audit')).to.not.equal(pid(before, 'peer0.audit'));
    for (const n of before.nodes.filter((n) => n.id !== 'peer0.audit' && n.pid !== null))
      expect(pid(after, n.id), `${n.id} restarted`).to.equal(n.pid);
    expect(fs.readFileSync(file, 'utf8')).to.equal(current);
    expect(after.nodes.filter((n) => !n.healthy).map((n) => n.id)).to.deep.equal([]);
  });

  it('when the chaincode is asked who the caller is, then it sees the role attribute issued by the CA', async () => {
    const contract = gateway.getNetwork(connection().channel).getContract(connection().chaincode, 'registry');
    const me = JSON.parse(utf8.decode(await contract.evaluateTransaction('whoAmI')));
    expect(me).to.include({ mspId: 'HousingMSP', role: 'clerk', dept: 'housing' });
  });
});
