import { expect } from 'chai';
import { ledgerSetup } from './support/ledger-setup';
import {
  api,
  bearer,
  eventually,
  gatewayUnderTest,
  newUser,
  randomHash,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';

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
    expect(res.body.result).to.include({
      batchId: batch.batchId,
      merkleRoot: batch.merkleRoot,
      txId: res.body.receipt.transactionId,
    });
    const doc = await eventually(
      'the batch in the read model',
      async () => (await api(g).get(`/v1/batch-anchors/${batch.batchId}`).set(bearer(inspector))).body,
      (b) => b.batchId === batch.batchId,
    );
    expect(doc.itemCount).to.equal(240);
  });

  it('when a contractor anchors, or the root is not a SHA-256, then it is refused and nothing is written', async () => {
    const contractor = await newUser(g, 'contractor');
    const batchId = uniqueId('B');
    const byContractor = await api(g)
      .post('/v1/batch-anchors')
      .set(bearer(contractor))
      .send({ batchId, merkleRoot: randomHash(), itemCount: 1, kind: 'photos' })
      .expect(403);
    expect(byContractor.body.error).to.deep.equal({
      code: 'forbidden',
      message:
        'this action needs role clerk or reviewer or inspector or director or device or analyst; you are contractor',
    });
    const notSha = await api(g)
      .post('/v1/batch-anchors')
      .set(bearer(inspector))
      .send({ batchId, merkleRoot: 'ABC', itemCount: 1, kind: 'photos' })
      .expect(400);
    expect(notSha.body.error).to.deep.equal({
      code: 'invalid_request',
      message: 'the request body is not valid',
      details: [{ path: 'body.merkleRoot', message: '64 lower-case hex characters (SHA-256)' }],
    });

    // Not on the ledger (asked there, not the read model, which might only lag behind a write)…
    const setup = await ledgerSetup();
    try {
      const read = await setup.evaluateAs(inspector.username, 'anchor', 'readBatch', [batchId]).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(read?.message, "the ledger's answer to reading the batch").to.equal(`batch ${batchId} does not exist`);
    } finally {
      await setup.close();
    }
    // …and the batch ID is still free: the ledger refuses a second anchor of a batch, so this one commits only if neither refused request was written.
    const root = randomHash();
    const anchored = await api(g)
      .post('/v1/batch-anchors')
      .set(bearer(inspector))
      .send({ batchId, merkleRoot: root, itemCount: 7, kind: 'photos' });
    expect(anchored.status, JSON.stringify(anchored.body)).to.equal(201);
    expect(anchored.body.result).to.include({ batchId, merkleRoot: root, itemCount: 7 });
    expect(anchored.body.result.anchoredBy).to.include({ mspId: 'HousingMSP', role: 'inspector' });
    await api(g)
      .post('/v1/batch-anchors')
      .set(bearer(inspector))
      .send({ batchId, merkleRoot: randomHash(), itemCount: 1, kind: 'photos' })
      .expect(409);
  });
});
