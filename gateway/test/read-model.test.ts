import { expect } from 'chai';
import { api, bearer, gatewayUnderTest, newUser, startGateway, stopSharedGateway, TestGateway, TestUser, uniqueId, eventually } from './support/gateway';
import { roadApplication } from './support/fixtures';

/** Applies for a project through a gateway and returns its receipt's transaction ID. */
async function apply(g: TestGateway, contractor: TestUser, id: string): Promise<string> {
  const res = await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201);
  return res.body.receipt.transactionId;
}

const inReadModel = (g: TestGateway, user: TestUser, id: string) => api(g).get(`/v1/projects/${id}`).set(bearer(user));

describe('the event-fed read model', function () {
  this.timeout(120_000);
  let contractor: TestUser;

  before(async () => {
    contractor = await newUser(await gatewayUnderTest(), 'contractor');
  });

  it('when a change commits, then the read model shows it with the transaction that made it', async () => {
    const g = await gatewayUnderTest();
    const id = uniqueId('P');
    const txId = await apply(g, contractor, id);
    const doc = await eventually('the project in the read model', async () => (await inReadModel(g, contractor, id)).body, (b) => b.id === id);
    expect(doc).to.include({ id, status: 'pre_review', transactionId: txId });
  });

  it('when no replica projects for a while, then a projector started later catches up from the checkpoint, with no gap', async () => {
    await stopSharedGateway(); // releases the projector lease
    const writer = await startGateway({ PROJECTOR: 'off' });
    const ids = [uniqueId('P'), uniqueId('P'), uniqueId('P')];
    const txIds: string[] = [];
    try {
      for (const id of ids) txIds.push(await apply(writer, contractor, id));
      await new Promise((r) => setTimeout(r, 500));
      expect((await inReadModel(writer, contractor, ids[2])).status).to.equal(404); // nobody projected them
    } finally {
      await writer.stop();
    }
    const g = await gatewayUnderTest(); // a fresh projector resumes after the durable checkpoint
    for (const [i, id] of ids.entries()) {
      const doc = await eventually(`project ${id}`, async () => (await inReadModel(g, contractor, id)).body, (b) => b.id === id, 30_000);
      expect(doc.transactionId).to.equal(txIds[i]);
    }
  });

  it('when the checkpoint falls back (a crash between applying and checkpointing), then replayed events change nothing', async () => {
    const g = await gatewayUnderTest();
    const id = uniqueId('P');
    await apply(g, contractor, id);
    const clerk = await newUser(g, 'clerk');
    await api(g).post(`/v1/projects/${id}/correction`).set(bearer(clerk)).send({ reason: '缺少可研报告' }).expect(201);
    const corrected = await eventually('correction projected', async () => (await inReadModel(g, clerk, id)).body, (b) => b.status === 'correction');

    // Simulate the crash: stop, move the checkpoint back before both events, restart.
    await stopSharedGateway();
    const checkpoints = (await startGateway({ PROJECTOR: 'off' }));
    const store = checkpoints.connection.collection('checkpoints');
    const saved = await store.findOne({ _id: 'read-model' as never });
    await store.updateOne({ _id: 'read-model' as never }, { $set: { blockNumber: Math.max(0, (saved!.blockNumber as number) - 3), transactionId: null, index: -1, position: -1 } });
    await checkpoints.stop();

    const again = await gatewayUnderTest();
    await eventually('the projector to pass the old position again', async () => (await again.connection.collection('checkpoints').findOne({ _id: 'read-model' as never }))!.position as number, (p) => p >= (saved!.position as number));
    const after = (await inReadModel(again, clerk, id)).body;
    expect(after.status).to.equal('correction');
    expect(after.transactionId).to.equal(corrected.transactionId); // the older 'applied' event did not overwrite the newer state
  });
});
