import crypto from 'node:crypto';
import { expect } from 'chai';
import { approvedProject, committed, contractBody, fundsCast, type FundsCast } from './funds-fixtures';
import { api, bearer, eventually, gatewayUnderTest, uniqueId, type TestGateway } from './support/gateway';

const photoHash = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** Issue 13, the inspector's milestone photos: hashed on the device, anchored as one Merkle batch, named by the milestone. */
describe('milestone photos: a Merkle batch of site photos as a milestone’s evidence', function () {
  this.timeout(180_000);
  let g: TestGateway;
  let cast: FundsCast;
  let contractId: string;
  before(async () => {
    g = await gatewayUnderTest();
    cast = await fundsCast(g);
    const { projectId, contractorId } = await approvedProject(g, cast, undefined as never);
    const body = contractBody(projectId, contractorId, [{ id: 'M1', amount: 30_000_000 }]);
    await committed(g, api(g).post('/v1/contracts').set(bearer(cast.clerk)).send(body));
    contractId = body.id;
  });

  const anchorPhotos = async (kind: string, count: number) => {
    const batchId = uniqueId('PH');
    const items = Array.from({ length: count }, (_, i) => photoHash(`${batchId} photo ${i}`));
    await committed(
      g,
      api(g).post('/v1/batch-anchors/items').set(bearer(cast.inspector)).send({ batchId, kind, items }),
    );
    return { batchId, items };
  };

  it("when an inspector anchors a batch of photos and attaches it, then the milestone names it and each photo's inclusion proof leads to its root", async () => {
    const { batchId } = await anchorPhotos('photos', 5);
    const attached = await committed(
      g,
      api(g).post(`/v1/contracts/${contractId}/milestones/M1/photos`).set(bearer(cast.inspector)).send({ batchId }),
    );
    expect(attached.body.result.photoBatches).to.deep.equal([batchId]);
    const milestone = await eventually(
      'the milestone with its photos in the read model',
      async () => (await api(g).get(`/v1/contracts/${contractId}/milestones/M1`).set(bearer(cast.auditor))).body,
      (m) => (m.photoBatches ?? []).includes(batchId),
    );
    expect(milestone.photoBatches).to.deep.equal([batchId]);
    const proof = await api(g).get(`/v1/batch-anchors/${batchId}/items/3`).set(bearer(cast.auditor));
    expect(proof.status, JSON.stringify(proof.body)).to.equal(200);

    const again = await api(g)
      .post(`/v1/contracts/${contractId}/milestones/M1/photos`)
      .set(bearer(cast.inspector))
      .send({ batchId });
    expect(again.status).to.equal(409);
  });

  it('when the batch holds another kind, or a clerk or the contractor attaches photos, then it is refused and the milestone is unchanged', async () => {
    const { batchId: logs } = await anchorPhotos('sensor-log', 2);
    const wrongKind = await api(g)
      .post(`/v1/contracts/${contractId}/milestones/M1/photos`)
      .set(bearer(cast.inspector))
      .send({ batchId: logs });
    expect([wrongKind.status, wrongKind.body.error.message]).to.deep.equal([422, wrongKind.body.error.message]);
    expect(wrongKind.body.error.message).to.match(/not photos/);
    const { batchId } = await anchorPhotos('photos', 1);
    for (const who of [cast.clerk, cast.contractor]) {
      const res = await api(g)
        .post(`/v1/contracts/${contractId}/milestones/M1/photos`)
        .set(bearer(who))
        .send({ batchId });
      expect(res.status, who.role).to.equal(403);
    }
    const ledger = await api(g)
      .get(`/v1/contracts/${contractId}/milestones/M1?source=ledger`)
      .set(bearer(cast.auditor));
    expect(ledger.body.photoBatches ?? []).to.not.include(batchId);
    expect(ledger.body.photoBatches ?? []).to.not.include(logs);
  });
});
