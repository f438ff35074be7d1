import { expect } from 'chai';
import { networkCliOk, networkStatus } from '../../network/test/support/suite-network';
import { api, bearer, newUser, startGateway, TestGateway, TestUser, uniqueId } from './support/gateway';
import { roadApplication } from './support/fixtures';

/**
 * Issue 14: "its chaincode server killed → writes failed although two other bureaus could endorse". The author signs
 * the proposal once; when the endorsement fails at a bureau whose chaincode server is down, the gateway endorses the same
 * signed proposal with the others (a majority, the channel's policy), and the author hears only the receipt.
 */
describe("a bureau's chaincode server down, on the network", function () {
  this.timeout(180_000);
  let g: TestGateway;
  let contractor: TestUser;
  before(async () => {
    g = await startGateway({ PROJECTOR: 'off' });
    contractor = await newUser(g, 'contractor'); // a Housing key holder: the gateway plans with Housing's peer first
  });
  after(async () => {
    await g?.stop();
    await networkCliOk(['up']); // the chaincode server comes back for the tests after this one
  });

  it("when Housing's chaincode server is killed, then a write signed by its author is answered 201 at the first attempt, endorsed by the other bureaus", async () => {
    const status = await networkStatus();
    const chaincode = status.nodes.find((n) => n.id === 'chaincode.housing')!;
    process.kill(chaincode.pid!, 'SIGKILL');
    const res = await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .set('Idempotency-Key', uniqueId('key'))
      .send(roadApplication(uniqueId('P'), contractor));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.receipt.validationCode).to.equal('VALID');
  });
});
