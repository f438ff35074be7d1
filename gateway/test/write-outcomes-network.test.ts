import { expect } from 'chai';
import { api, bearer, newUser, startGateway, TestGateway, TestUser, uniqueId } from './support/gateway';
import { roadApplication } from './support/fixtures';

/**
 * Issue 14's first finding, on the real network: writes answered 503 "the ledger did not answer in time" were VALID in
 * a block. Here a gateway waits only 1 ms for every commit status, so each wait times out although the transaction
 * commits; the outcome must come from the transaction ID, not from the timeout.
 */
describe('a write whose commit status times out, on the network', function () {
  this.timeout(120_000);
  let g: TestGateway;
  let contractor: TestUser;
  before(async () => {
    g = await startGateway({ LEDGER_COMMIT_TIMEOUT_MS: '1', PROJECTOR: 'off' });
    contractor = await newUser(g, 'contractor');
  });
  after(async () => g?.stop());

  it('when every commit status wait times out, then the client still gets 201 with the VALID receipt, and a retry replays it', async () => {
    const body = roadApplication(uniqueId('P'), contractor);
    const key = uniqueId('key');
    const res = await api(g).post('/v1/projects').set(bearer(contractor)).set('Idempotency-Key', key).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.receipt.validationCode).to.equal('VALID');
    const again = await api(g).post('/v1/projects').set(bearer(contractor)).set('Idempotency-Key', key).send(body);
    expect(again.status).to.equal(201);
    expect(again.body.receipt).to.deep.equal(res.body.receipt);
  });
});
