import { expect } from 'chai';
import request from 'supertest';
import {
  api,
  bearer,
  eventually,
  gatewayUnderTest,
  newUser,
  operatorAuth,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';
import { roadApplication } from './support/fixtures';
import { hold } from './support/hold';
import type { LedgerEvent } from '../src/projection/events';
import type { ReadModel, RecordType } from '../src/projection/read-model';

/** A project applied for, then returned for correction a block later: the receipts of both writes. */
async function appliedThenCorrected(g: TestGateway, contractor: TestUser, clerk: TestUser, id: string) {
  const applied = (await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor))).body
    .receipt;
  const corrected = (
    await api(g).post(`/v1/projects/${id}/correction`).set(bearer(clerk)).send({ reason: '缺少可研报告' }).expect(201)
  ).body.receipt;
  expect(Number(corrected.blockNumber)).to.be.above(Number(applied.blockNumber));
  return { applied, corrected };
}

/**
 * Holds the projector at a project of its own while `write` commits, so that what `write` commits waits in the
 * stream and comes to the projector as one batch (a projector catching up from a backlog).
 */
async function asBacklog<T>(g: TestGateway, contractor: TestUser, write: () => Promise<T>): Promise<T> {
  const marker = uniqueId('P');
  const h = hold();
  g.projector.beforeApply = async (event) => {
    if (event.ids.projectId === marker) await h.wait();
  };
  try {
    await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(marker, contractor)).expect(201);
    await h.held;
    return await write();
  } finally {
    g.projector.beforeApply = undefined;
    h.release();
  }
}

/** The IDs a project list holds (one contractor's projects: a short list). */
async function listed(g: TestGateway, user: TestUser, status: string, contractorId: string): Promise<string[]> {
  const res = await api(g)
    .get(`/v1/projects?status=${status}&contractorId=${contractorId}&limit=100`)
    .set(bearer(user))
    .expect(200);
  return res.body.items.map((p: { id: string }) => p.id);
}

const projectedTotal = async (g: TestGateway) =>
  Number(
    /^luohu_projected_events_total (\d+)/m.exec(
      (await request(g.server).get('/metrics').set(operatorAuth())).text,
    )?.[1],
  );

describe('the projector applies batches', function () {
  this.timeout(180_000);
  let contractor: TestUser;
  let clerk: TestUser;

  before(async () => {
    const g = await gatewayUnderTest();
    contractor = await newUser(g, 'contractor');
    clerk = await newUser(g, 'clerk');
  });

  it('when one batch holds a project applied for and then returned for correction, then the read model ends in the correction, listed under that status only', async () => {
    const g = await gatewayUnderTest();
    const id = uniqueId('P');
    const batches: LedgerEvent[][] = [];
    g.projector.beforeCheckpoint = async (events) => void batches.push(events);
    try {
      const { applied, corrected } = await asBacklog(g, contractor, () =>
        appliedThenCorrected(g, contractor, clerk, id),
      );
      const doc = await eventually(
        'the correction projected',
        async () => (await api(g).get(`/v1/projects/${id}`).set(bearer(clerk))).body,
        (b) => b.status === 'correction',
      );
      const batch = batches.find((b) => b.some((e) => e.transactionId === corrected.transactionId));
      expect(
        batch!.map((e) => e.transactionId),
        'the application and the correction came in one batch',
      ).to.include.members([applied.transactionId, corrected.transactionId]);
      expect(doc.transactionId).to.equal(corrected.transactionId);
      expect(await listed(g, clerk, 'correction', contractor.company!)).to.include(id);
      expect(await listed(g, clerk, 'pre_review', contractor.company!)).to.not.include(id);
    } finally {
      g.projector.beforeCheckpoint = undefined;
    }
  });

  it('when the projector stops after writing a batch and before its checkpoint, then it applies the events again from the checkpoint: the record never goes back, and each event is counted once', async () => {
    const g = await gatewayUnderTest();
    const readModel = g.projector.projections[0] as ReadModel;
    const id = uniqueId('P');
    let receipts: Awaited<ReturnType<typeof appliedThenCorrected>> | undefined;
    let crashed: string[] | undefined;
    let written: unknown;
    let before: number | undefined;
    const checkpointed: LedgerEvent[][] = [];
    const seen: Array<{ event: string; status: unknown; transactionId: unknown }> = [];
    const maxBatch = g.projector.maxBatchEvents;
    g.projector.beforeCheckpoint = async (events) => {
      before ??= await projectedTotal(g); // every batch from here on passes this hook
      if (!crashed && events.some((e) => e.transactionId === receipts?.corrected.transactionId)) {
        crashed = events.map((e) => e.transactionId);
        written = (await readModel.model('project').findById(id).lean())?.status;
        g.projector.maxBatchEvents = 1; // the replay applies the application alone, over the correction
        throw new Error('test: the projector stops between writing a batch and checkpointing it');
      }
      checkpointed.push(events);
    };
    readModel.afterRecord = async (type: RecordType, event: LedgerEvent) => {
      if (type !== 'project' || event.ids.projectId !== id || !crashed) return;
      const doc = await readModel.model('project').findById(id).lean();
      seen.push({ event: event.transactionId, status: doc?.status, transactionId: doc?._transactionId });
    };
    try {
      const { applied, corrected } = await asBacklog(g, contractor, async () => {
        receipts = await appliedThenCorrected(g, contractor, clerk, id);
        return receipts;
      });
      const doc = await eventually(
        'the correction projected after the restart',
        async () => (await api(g).get(`/v1/projects/${id}`).set(bearer(clerk))).body,
        (b) => b.status === 'correction',
        30_000,
      );
      expect(crashed, 'the batch that stopped held both events').to.include.members([
        applied.transactionId,
        corrected.transactionId,
      ]);
      expect(written, 'the batch was written before it stopped').to.equal('correction');
      expect(
        seen.map((s) => s.event),
        'both events were applied again',
      ).to.include.members([applied.transactionId, corrected.transactionId]);
      for (const s of seen)
        expect(s, `the project after applying ${s.event} again`).to.deep.include({
          status: 'correction',
          transactionId: corrected.transactionId,
        });
      expect(doc.transactionId).to.equal(corrected.transactionId);
      expect(await listed(g, clerk, 'correction', contractor.company!)).to.include(id);
      expect(await listed(g, clerk, 'pre_review', contractor.company!)).to.not.include(id);
      await eventually(
        'the metric to settle',
        () => projectedTotal(g),
        (n) => n === before! + checkpointed.reduce((sum, b) => sum + b.length, 0),
        5_000,
      );
    } finally {
      g.projector.beforeCheckpoint = undefined;
      g.projector.maxBatchEvents = maxBatch;
      readModel.afterRecord = undefined;
    }
  });
});
