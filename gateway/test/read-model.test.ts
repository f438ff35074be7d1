import { expect } from 'chai';
import {
  api,
  bearer,
  gatewayUnderTest,
  newUser,
  startGateway,
  stopSharedGateway,
  TestGateway,
  TestUser,
  uniqueId,
  eventually,
} from './support/gateway';
import { roadApplication } from './support/fixtures';
import { ledgerSetup } from './support/ledger-setup';
import { approvedProject, committed, contractBody, fundsCast } from './funds-fixtures';
import { hold } from './support/hold';
import type { LedgerEvent } from '../src/projection/events';
import type { ReadModel, RecordType } from '../src/projection/read-model';

/** Applies for a project through a gateway and returns its receipt's transaction ID. */
async function apply(g: TestGateway, contractor: TestUser, id: string): Promise<string> {
  const res = await api(g)
    .post('/v1/projects')
    .set(bearer(contractor))
    .send(roadApplication(id, contractor))
    .expect(201);
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
    const doc = await eventually(
      'the project in the read model',
      async () => (await inReadModel(g, contractor, id)).body,
      (b) => b.id === id,
    );
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
      const doc = await eventually(
        `project ${id}`,
        async () => (await inReadModel(g, contractor, id)).body,
        (b) => b.id === id,
        30_000,
      );
      expect(doc.transactionId).to.equal(txIds[i]);
    }
  });

  it('when the checkpoint falls back (a crash between applying and checkpointing), then replayed events change nothing', async () => {
    const g = await gatewayUnderTest();
    const id = uniqueId('P');
    const applied = (
      await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201)
    ).body.receipt;
    const clerk = await newUser(g, 'clerk');
    await api(g).post(`/v1/projects/${id}/correction`).set(bearer(clerk)).send({ reason: '缺少可研报告' }).expect(201);
    const corrected = await eventually(
      'correction projected',
      async () => (await inReadModel(g, clerk, id)).body,
      (b) => b.status === 'correction',
    );

    // Simulate the crash: stop, move the checkpoint back to the block of the application (before both events), restart.
    await stopSharedGateway();
    const checkpoints = await startGateway({ PROJECTOR: 'off' });
    const store = checkpoints.connection.collection('checkpoints');
    const saved = await store.findOne({ _id: 'read-model' as never });
    expect(Number(applied.blockNumber)).to.be.below(saved!.blockNumber as number);
    await store.updateOne(
      { _id: 'read-model' as never },
      { $set: { blockNumber: Number(applied.blockNumber), transactionId: null, index: -1, position: -1 } },
    );
    await checkpoints.stop();

    // The replay ends in the same state whether or not it rewrites records (the correction comes again after the
    // application), so the project is read after each replayed record: it must never go back to the application's state.
    const seen: Array<{ event: string; status: unknown; transactionId: unknown; position: unknown }> = [];
    const again = await startGateway({}, (started) => {
      const readModel = started.projector.projections[0] as ReadModel;
      readModel.afterRecord = async (type: RecordType, event: LedgerEvent) => {
        if (type !== 'project' || (event.ids.projectId !== id && event.state.id !== id)) return;
        const doc = await readModel.model('project').findById(id).lean();
        seen.push({
          event: event.transactionId,
          status: doc?.status,
          transactionId: doc?._transactionId,
          position: doc?._position,
        });
      };
    });
    try {
      await eventually(
        'the projector to pass the old position again',
        async () =>
          (await again.connection.collection('checkpoints').findOne({ _id: 'read-model' as never }))!
            .position as number,
        (p) => p >= (saved!.position as number),
        60_000,
      );
      const replayed = seen.map((s) => s.event);
      expect(replayed, 'the events of the application and the correction were delivered again').to.include.members([
        applied.transactionId,
        corrected.transactionId,
      ]);
      const current = await again.connection.collection('projects').findOne({ _id: id as never });
      for (const s of seen) {
        expect(s, `the project after replaying ${s.event}`).to.deep.equal({
          event: s.event,
          status: 'correction',
          transactionId: corrected.transactionId,
          position: current!._position,
        });
      }
      const after = (await inReadModel(again, clerk, id)).body;
      expect(after.status).to.equal('correction');
      expect(after.transactionId).to.equal(corrected.transactionId);
    } finally {
      await again.stop();
    }
  });
});

/** Whether a promise is still pending after ms. */
const pendingAfter = (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(true), ms)),
  ]);

describe('read-your-writes', function () {
  this.timeout(180_000);

  it('when a reader reads a contract while the projector is between the records of its change order, then it waits and never sees the milestone unchanged', async () => {
    const g = await gatewayUnderTest();
    const setup = await ledgerSetup();
    try {
      const cast = await fundsCast(g);
      const { projectId, contractorId } = await approvedProject(g, cast, setup);
      const contract = contractBody(projectId, contractorId, [
        { id: 'M1', amount: 20_000_000 },
        { id: 'M2', amount: 40_000_000 },
      ]);
      await committed(g, api(g).post('/v1/contracts').set(bearer(cast.clerk)).send(contract));
      const order = {
        id: uniqueId('CO'),
        reason: '增加外墙保温工程量',
        changes: [{ milestoneId: 'M2', amount: 45_000_000 }],
      };
      await committed(g, api(g).post(`/v1/contracts/${contract.id}/change-orders`).set(bearer(cast.clerk)).send(order));
      // The projector writes the change order, the contract (new sum), then the milestone: hold it after the contract.
      const readModel = g.projector.projections[0] as ReadModel;
      const h = hold();
      readModel.afterRecord = async (type: RecordType, event: LedgerEvent) => {
        if (type === 'contract' && event.ids.changeOrderId === order.id) await h.wait();
      };
      try {
        await committed(
          g,
          api(g)
            .post(`/v1/contracts/${contract.id}/change-orders/${order.id}/decision`)
            .set(bearer(cast.director))
            .send({ decision: 'approve', reason: '同意变更' }),
        );
        await h.held;
        const reading = api(g)
          .get(`/v1/contracts/${contract.id}`)
          .set(bearer(cast.auditor))
          .then((r) => r);
        expect(await pendingAfter(reading, 1_000), 'the contract read waits for its transaction').to.equal(true);
        h.release();
        const c = await reading;
        expect(c.status).to.equal(200);
        expect(c.body.sum).to.equal(65_000_000);
        const m2 = await api(g).get(`/v1/contracts/${contract.id}/milestones/M2`).set(bearer(cast.auditor)).expect(200);
        expect(m2.body.amount).to.equal(45_000_000);
      } finally {
        readModel.afterRecord = undefined;
        h.release();
      }
    } finally {
      await setup.close();
    }
  });

  it("when a GET carries X-Consistent-After with a receipt's block, then it answers once the projector has applied that block", async () => {
    const g = await gatewayUnderTest();
    const contractor = await newUser(g, 'contractor');
    const id = uniqueId('P');
    const h = hold();
    g.projector.beforeApply = async (event) => {
      if (event.ids.projectId === id) await h.wait();
    };
    try {
      const res = await api(g)
        .post('/v1/projects')
        .set(bearer(contractor))
        .send(roadApplication(id, contractor))
        .expect(201);
      const block = res.body.receipt.blockNumber;
      expect(res.headers['x-consistency-token']).to.equal(String(block));
      await h.held;
      const reading = api(g)
        .get(`/v1/projects/${id}`)
        .set(bearer(contractor))
        .set('X-Consistent-After', String(block))
        .then((r) => r);
      expect(await pendingAfter(reading, 1_000), 'the read waits for the block').to.equal(true);
      h.release();
      const read = await reading;
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
      expect(read.body.transactionId).to.equal(res.body.receipt.transactionId);
      // The operation ID from the receipt is a token too.
      const byOperation = await api(g)
        .get(`/v1/projects/${id}`)
        .set(bearer(contractor))
        .set('X-Consistent-After', res.body.operationId)
        .expect(200);
      expect(byOperation.body.transactionId).to.equal(res.body.receipt.transactionId);
    } finally {
      g.projector.beforeApply = undefined;
      h.release();
    }
  });

  it('when a citizen reads their complaint back with the consistency token of the submission, then it is found, never "does not exist"', async () => {
    const g = await gatewayUnderTest();
    const h = hold();
    g.projector.beforeApply = async (event) => {
      if (event.state.docType === 'complaint') await h.wait();
    };
    try {
      const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const res = await api(g)
        .post('/v1/open311/requests')
        .set('X-Forwarded-For', ip)
        .send({ description: '工地夜间施工噪音扰民', address_string: '罗湖区东门街道' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const [{ service_request_id: id, receipt }] = res.body;
      expect(res.headers['x-consistency-token']).to.equal(String(receipt.blockNumber));
      await h.held;
      const reading = api(g)
        .get(`/v1/open311/requests/${id}`)
        .set('X-Consistent-After', res.headers['x-consistency-token'])
        .then((r) => r);
      expect(await pendingAfter(reading, 1_000), 'the read waits for the block').to.equal(true);
      h.release();
      const read = await reading;
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
      expect(read.body[0].service_request_id).to.equal(id);
    } finally {
      g.projector.beforeApply = undefined;
      h.release();
    }
  });

  it('when X-Consistent-After names a block far beyond the ledger, then 503 with Retry-After; when it is neither a block nor an operation, then 400', async () => {
    const g = await gatewayUnderTest();
    const clerk = await newUser(g, 'clerk');
    const started = Date.now();
    const res = await api(g).get('/v1/projects?limit=1').set(bearer(clerk)).set('X-Consistent-After', '999999999');
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.equal('1');
    expect(res.body.error.code).to.equal('not_yet_projected');
    expect(Date.now() - started).to.be.within(4_000, 20_000);
    await api(g).get('/v1/projects?limit=1').set(bearer(clerk)).set('X-Consistent-After', 'soon').expect(400);
    await api(g)
      .get('/v1/projects?limit=1')
      .set(bearer(clerk))
      .set('X-Consistent-After', 'no-such-operation')
      .expect(400);
  });
});
