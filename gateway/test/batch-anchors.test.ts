import { expect } from 'chai';
import { api, bearer, eventually, gatewayUnderTest, newUser, randomHash, TestGateway, TestUser, uniqueId } from './support/gateway';

describe('batch anchors (bulk evidence)', function () {
  this.timeout(60_000);
  let g: TestGateway;
  let inspector: TestUser;
  before(async () => {
    g = await gatewayUnderTest();
    inspector = await newUser(g, 'inspector');
  });

  it('when an inspector anchors a Merkle root, then it commits with a receipt and is listed by kind', async () => {
    const batch = { batchId: uniqueId('B'), merkleRoot: randomHash(), itemCount: 240, kind: 'photos' };
    const res = await api(g).post('/v1/batch-anchors').set(bearer(inspector)).send(batch).expect(201);
    expect(res.body.receipt.validationCode).to.equal('VALID');
    expect(res.body.result).to.include({ batchId: batch.batchId, merkleRoot: batch.merkleRoot, txId: res.body.receipt.transactionId });
    const doc = await eventually('the batch in the read model', async () => (await api(g).get(`/v1/batch-anchors/${batch.batchId}`).set(bearer(inspector))).body, (b) => b.batchId === batch.batchId);
    expect(doc.itemCount).to.equal(240);
  });

  it('when a contractor anchors, or the root is not a SHA-256, then it is refused and nothing is written', async () => {
    const contractor = await newUser(g, 'contractor');
    const batchId = uniqueId('B');
    await api(g).post('/v1/batch-anchors').set(bearer(contractor)).send({ batchId, merkleRoot: randomHash(), itemCount: 1, kind: 'photos' }).expect(403);
    await api(g).post('/v1/batch-anchors').set(bearer(inspector)).send({ batchId, merkleRoot: 'ABC', itemCount: 1, kind: 'photos' }).expect(400);
    await api(g).get(`/v1/batch-anchors/${batchId}`).set(bearer(inspector)).expect(404);
  });
});
