import { expect } from 'chai';
import { roadApplication } from './support/fixtures';
import { api, bearer, gatewayUnderTest, newUser, type TestGateway, type TestUser, uniqueId } from './support/gateway';

describe('ledger explorer: blocks and transactions for auditors', function () {
  this.timeout(90_000);
  let g: TestGateway;
  let auditor: TestUser;
  let contractor: TestUser;
  let receipt: { transactionId: string; blockNumber: string };
  let projectId: string;
  before(async () => {
    g = await gatewayUnderTest();
    [auditor, contractor] = await Promise.all([newUser(g, 'auditor'), newUser(g, 'contractor')]);
    projectId = uniqueId('P');
    const res = await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .send(roadApplication(projectId, contractor))
      .expect(201);
    receipt = res.body.receipt;
  });

  it('when an auditor opens a transaction, then it shows its block, its creator (with who held the key), its endorsers, VALID and what it wrote', async () => {
    const res = await api(g).get(`/v1/ledger/transactions/${receipt.transactionId}`).set(bearer(auditor)).expect(200);
    expect(res.body).to.include({
      transactionId: receipt.transactionId,
      blockNumber: receipt.blockNumber,
      validationCode: 'VALID',
      type: 'ENDORSER_TRANSACTION',
    });
    expect(res.body.creator).to.include({ mspId: 'HousingMSP', subject: contractor.username, custody: 'own' });
    expect(res.body.endorsers.length).to.be.greaterThan(0);
    const project = res.body.writes.find((w: { key: string }) => w.key.endsWith(projectId));
    expect(project?.value).to.include({ id: projectId, status: 'pre_review' });
  });

  it('when an auditor opens its block, then the transaction is listed with its creator and validation code', async () => {
    const res = await api(g).get(`/v1/ledger/blocks/${receipt.blockNumber}`).set(bearer(auditor)).expect(200);
    expect(res.body.number).to.equal(receipt.blockNumber);
    expect(res.body.dataHash).to.match(/^[0-9a-f]{64}$/);
    const tx = res.body.transactions.find((t: { transactionId: string }) => t.transactionId === receipt.transactionId);
    expect(tx).to.deep.include({ validationCode: 'VALID' });
    expect(tx.creator.subject).to.equal(contractor.username);
  });

  it('when the transaction or block is unknown, the ID malformed, or the caller no auditor, then 404, 400 or 403 and nothing else', async () => {
    await api(g)
      .get(`/v1/ledger/transactions/${'0'.repeat(64)}`)
      .set(bearer(auditor))
      .expect(404);
    await api(g).get('/v1/ledger/blocks/999999999').set(bearer(auditor)).expect(404);
    await api(g).get('/v1/ledger/transactions/not-a-hash').set(bearer(auditor)).expect(400);
    await api(g).get(`/v1/ledger/transactions/${receipt.transactionId}`).set(bearer(contractor)).expect(403);
  });
});
