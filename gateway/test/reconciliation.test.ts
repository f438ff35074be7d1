import crypto from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { io, Socket } from 'socket.io-client';
import { changedFields, sameRecord } from '../src/reconciliation/compare';
import {
  api,
  bearer,
  creditCode,
  eventually,
  gatewayUnderTest,
  newUser,
  randomHash,
  startGateway,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';

interface FindingBody {
  id: string;
  kind: string;
  ref: string;
  status: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  details: Record<string, any>;
  firstSeenRun: string;
  lastSeenRun: string;
  resolvedRun: string | null;
}

describe('reconciliation: read model and stored files against the ledger', function () {
  this.timeout(120_000);
  let g: TestGateway;
  let admin: TestUser;
  let auditor: TestUser;
  let clerk: TestUser;
  const contractorId = uniqueId('CT');
  const name = '深圳罗湖对账测试工程有限公司';
  const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(4096), Buffer.from('\n%%EOF\n')]);
  const fileSha = crypto.createHash('sha256').update(bytes).digest('hex');
  let fileId: string;
  const unanchored = randomHash();
  const sockets: Socket[] = [];

  const db = () => g.connection.db!;
  const chunk = () =>
    db()
      .collection('uploads.chunks')
      .findOne({ files_id: new mongoose.mongo.ObjectId(fileId), n: 0 });

  const ended = (user: TestUser, id: string) =>
    eventually(
      'the run to end',
      () => api(g).get(`/v1/reconciliation/runs/${id}`).set(bearer(user)),
      (r) => r.body.status !== 'running',
      100_000,
    );

  /** Starts a run as `user` (after one another test file may have started) and waits for it to end. */
  async function reconcile(user: TestUser) {
    let started = await api(g).post('/v1/reconciliation/runs').set(bearer(user)).send({});
    if (started.status === 409 && started.body.error.details?.runId) {
      await ended(user, started.body.error.details.runId);
      started = await api(g).post('/v1/reconciliation/runs').set(bearer(user)).send({});
    }
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    expect(started.headers.location).to.equal(`/v1/reconciliation/runs/${started.body.id}`);
    const run = await ended(user, started.body.id);
    expect(run.body.status, JSON.stringify(run.body)).to.equal('completed');
    return run.body as {
      id: string;
      progress: {
        recordsChecked: number;
        filesChecked: number;
        differences: number;
        newFindings: number;
        resolvedFindings: number;
      };
    };
  }

  async function findings(user: TestUser, status: 'open' | 'resolved'): Promise<FindingBody[]> {
    const all: FindingBody[] = [];
    for (let after: string | null | undefined; after !== null;) {
      const res = await api(g)
        .get('/v1/reconciliation/findings')
        .query({ status, limit: 100, ...(after ? { after } : {}) })
        .set(bearer(user));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      all.push(...res.body.items);
      after = res.body.next;
    }
    return all;
  }

  function connect(user: TestUser): Promise<{ socket: Socket; received: FindingBody[]; runsEnded: string[] }> {
    const socket = io(g.url, {
      path: '/live',
      auth: { token: user.token },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    const received: FindingBody[] = [];
    const runsEnded: string[] = [];
    socket.on('reconciliation-finding', (f: FindingBody) => received.push(f));
    socket.on('reconciliation-run-ended', (r: { id: string }) => runsEnded.push(r.id));
    return new Promise((resolve, reject) => {
      socket.once('ready', () => resolve({ socket, received, runsEnded }));
      socket.once('connect_error', reject);
    });
  }

  before(async function () {
    g = await gatewayUnderTest();
    [admin, auditor, clerk] = await Promise.all([newUser(g, 'admin'), newUser(g, 'auditor'), newUser(g, 'clerk')]);
    const reg = await api(g)
      .post('/v1/contractors')
      .set(bearer(admin))
      .send({ id: contractorId, name, creditCode: creditCode() });
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    await eventually(
      'contractor in the read model',
      () =>
        db()
          .collection('contractors')
          .findOne({ _id: contractorId as never }),
      (d) => d !== null,
      45_000,
    );
    const up = await api(g)
      .post('/v1/uploads')
      .set(bearer(clerk))
      .attach('file', bytes, { filename: '对账.pdf', contentType: 'application/pdf' });
    expect(up.status, JSON.stringify(up.body)).to.be.oneOf([200, 201]);
    fileId = up.body.fileId;
  });

  after(() => {
    for (const s of sockets) s.disconnect();
  });

  it('when nothing was touched, then a run checks every record and file and finds nothing about them', async function () {
    const run = await reconcile(auditor);
    expect(run.progress.recordsChecked).to.be.greaterThan(0);
    expect(run.progress.filesChecked).to.be.greaterThan(0);
    const open = await findings(auditor, 'open');
    expect(open.filter((f) => f.ref === `contractor/${contractorId}` || f.ref === `file/${fileSha}`)).to.deep.equal([]);
  });

  it('when a record, a file chunk and a document are edited in the database behind the gateway, then a run flags each difference and auditors get them live', async function () {
    const auditorLive = await connect(auditor);
    const clerkLive = await connect(clerk);
    await db()
      .collection('contractors')
      .updateOne({ _id: contractorId as never }, { $set: { name: '篡改后的公司名' } });
    const original = (await chunk())!.data.buffer as Uint8Array;
    const tampered = Buffer.from(original);
    tampered[100] ^= 0xff;
    await db()
      .collection('uploads.chunks')
      .updateOne(
        { files_id: new mongoose.mongo.ObjectId(fileId), n: 0 },
        { $set: { data: new mongoose.mongo.Binary(tampered) } },
      );
    await db()
      .collection('documents')
      .insertOne({
        _id: unanchored as never,
        docType: 'document',
        sha256: unanchored,
        projectId: 'P-none',
        status: 'active',
        _position: 0,
        _transactionId: 'none',
      });

    const run = await reconcile(admin);
    expect(run.progress.newFindings).to.be.at.least(3);
    const open = await findings(auditor, 'open');
    const field = open.find((f) => f.ref === `contractor/${contractorId}`);
    expect(field, 'changed-field finding').to.include({ kind: 'changed-field', status: 'open', firstSeenRun: run.id });
    expect(field!.details.fields).to.deep.equal([{ path: 'name', readModel: '篡改后的公司名', ledger: name }]);
    const file = open.find((f) => f.ref === `file/${fileSha}`);
    expect(file, 'changed-file finding').to.include({ kind: 'changed-file', status: 'open' });
    expect(file!.details).to.include({
      storedSha256: fileSha,
      actualSha256: crypto
        .createHash('sha256')
        .update(Buffer.concat([tampered, bytes.subarray(tampered.length)]))
        .digest('hex'),
      anchored: false,
    });
    const missing = open.find((f) => f.ref === `document/${unanchored}`);
    expect(missing, 'missing-anchor finding').to.include({ kind: 'missing-anchor', status: 'open' });

    await eventually(
      'the findings pushed to the auditor',
      async () => auditorLive.received.map((f) => f.ref),
      (refs) =>
        [`contractor/${contractorId}`, `file/${fileSha}`, `document/${unanchored}`].every((r) => refs.includes(r)),
      5_000,
    );
    expect(auditorLive.received.find((f) => f.ref === `contractor/${contractorId}`)!.details.fields[0].path).to.equal(
      'name',
    );
    await eventually(
      'the end of the run pushed to the auditor',
      async () => auditorLive.runsEnded,
      (ids) => ids.includes(run.id),
      5_000,
    );
    expect(clerkLive.received, 'a clerk is not sent findings').to.deep.equal([]);
    expect(clerkLive.runsEnded).to.deep.equal([]);
    const listed = await api(g).get('/v1/reconciliation/runs').query({ limit: 1 }).set(bearer(admin));
    expect(listed.body.items.map((r: { id: string }) => r.id)).to.deep.equal([run.id]);

    // Seen again by the next run: still the same open finding, not a new one, and not pushed twice.
    const again = await reconcile(auditor);
    const still = (await findings(auditor, 'open')).find((f) => f.ref === `contractor/${contractorId}`);
    expect(still).to.include({ id: field!.id, firstSeenRun: run.id, lastSeenRun: again.id });
    expect(auditorLive.received.filter((f) => f.ref === `contractor/${contractorId}`)).to.have.length(1);

    // Repaired: the next run resolves all three.
    await db()
      .collection('contractors')
      .updateOne({ _id: contractorId as never }, { $set: { name } });
    await db()
      .collection('uploads.chunks')
      .updateOne(
        { files_id: new mongoose.mongo.ObjectId(fileId), n: 0 },
        { $set: { data: new mongoose.mongo.Binary(original) } },
      );
    await db()
      .collection('documents')
      .deleteOne({ _id: unanchored as never });
    const repaired = await reconcile(auditor);
    expect(repaired.progress.resolvedFindings).to.be.at.least(3);
    const resolved = await findings(auditor, 'resolved');
    for (const ref of [`contractor/${contractorId}`, `file/${fileSha}`, `document/${unanchored}`]) {
      expect(
        resolved.find((f) => f.ref === ref),
        ref,
      ).to.include({ status: 'resolved', resolvedRun: repaired.id });
    }
    expect(
      (await findings(auditor, 'open')).filter(
        (f) => f.ref.endsWith(contractorId) || f.ref.endsWith(fileSha) || f.ref.endsWith(unanchored),
      ),
    ).to.deep.equal([]);
  });

  it('when a read-model record has a key the ledger refuses, or claims a version the ledger never wrote, then each is flagged alone and the records read with it in one batch are not', async function () {
    const refused = `${uniqueId('CT')} bad`; // a space: no ledger id, so the batched read that carries it is refused
    const contractors = db().collection('contractors');
    const real = (await contractors.findOne({ _id: contractorId as never }))!;
    await contractors.insertOne({ ...real, _id: refused as never, id: refused });
    await contractors.updateOne({ _id: contractorId as never }, { $set: { _transactionId: 'f'.repeat(64) } });
    let run;
    try {
      run = await reconcile(auditor);
    } finally {
      await contractors.deleteOne({ _id: refused as never });
      await contractors.updateOne({ _id: contractorId as never }, { $set: { _transactionId: real._transactionId } });
    }
    const open = await findings(auditor, 'open');
    const bad = open.find((f) => f.ref === `contractor/${refused}`);
    expect(bad, 'missing-anchor finding for the refused key').to.include({
      kind: 'missing-anchor',
      firstSeenRun: run.id,
    });
    expect(bad!.details.reason).to.equal('the ledger refuses this key');
    const claim = open.find((f) => f.ref === `contractor/${contractorId}`);
    expect(claim, 'changed-field finding for the unknown version').to.include({
      kind: 'changed-field',
      firstSeenRun: run.id,
    });
    expect(claim!.details.fields).to.deep.equal([
      { path: '_transactionId', readModel: 'f'.repeat(64), ledger: real._transactionId },
    ]);
    expect(
      open
        .filter((f) => f.ref.startsWith('contractor/') && f.firstSeenRun === run.id)
        .map((f) => f.ref)
        .sort(),
    ).to.deep.equal([`contractor/${contractorId}`, `contractor/${refused}`].sort());
    const repaired = await reconcile(auditor);
    expect(
      (await findings(auditor, 'resolved')).filter((f) => f.resolvedRun === repaired.id).map((f) => f.ref),
    ).to.include.members([`contractor/${contractorId}`, `contractor/${refused}`]);
  });

  it('when a run is in progress, then a second request is refused with 409 naming it', async function () {
    const first = await api(g).post('/v1/reconciliation/runs').set(bearer(auditor)).send({});
    expect(first.status).to.equal(202);
    const second = await api(g).post('/v1/reconciliation/runs').set(bearer(admin)).send({});
    expect(second.status, JSON.stringify(second.body)).to.equal(409);
    expect(second.body.error.details).to.deep.equal({ runId: first.body.id });
    await ended(auditor, first.body.id);
  });

  it('when two replicas reconcile on a schedule, then runs follow the interval, one at a time, not once per replica', async function () {
    const intervalMs = 1_500;
    const since = new Date();
    const replicas = await Promise.all(
      [0, 1].map(() => startGateway({ LUOHU_RECONCILE_INTERVAL_MS: String(intervalMs), PROJECTOR: 'off' })),
    );
    let windowMs: number;
    let stoppingAt: number;
    try {
      await eventually(
        'three scheduled runs to end',
        () =>
          db()
            .collection('reconciliation_runs')
            .countDocuments({ trigger: 'schedule', startedAt: { $gte: since }, status: 'completed' }),
        (n) => n >= 3,
        90_000,
      );
    } finally {
      stoppingAt = Date.now();
      await Promise.all(replicas.map((r) => r.stop()));
      windowMs = Date.now() - since.getTime();
    }
    const runs = await db()
      .collection('reconciliation_runs')
      .find({ trigger: 'schedule', startedAt: { $gte: since } })
      .sort({ startedAt: 1 })
      .toArray();
    // Every run completed, except one the shutdown itself interrupted (a run may have just begun when the replicas were
    // told to stop): that one is recorded as stopped, never left "running".
    const interrupted = runs.filter((r) => r.status !== 'completed');
    expect(interrupted.length, JSON.stringify(runs.map((r) => [r.status, r.error]))).to.be.at.most(1);
    for (const r of interrupted) {
      expect(r.status, JSON.stringify([r.status, r.error])).to.equal('failed');
      expect(r.error).to.match(/stopped before it ended/);
      expect(r._id, 'only the last run, the one in flight at the stop, may be interrupted').to.deep.equal(
        runs[runs.length - 1]._id,
      );
      expect(r.finishedAt.getTime(), 'a run failed before the replicas were told to stop').to.be.at.least(stoppingAt);
    }
    for (let i = 1; i < runs.length; i++)
      expect(runs[i].startedAt.getTime(), 'a run started while another was running').to.be.at.least(
        runs[i - 1].finishedAt.getTime(),
      );
    // Each replica ticks every interval; a tick is skipped when any replica started a run within 0.9 of it.
    expect(runs.length).to.be.at.most(Math.floor(windowMs / (intervalMs * 0.9)) + 1);
  });

  it('when a clerk or an anonymous caller asks, or the input is malformed, then it is refused and no run starts', async function () {
    const runsBefore = await db().collection('reconciliation_runs').countDocuments();
    expect((await api(g).post('/v1/reconciliation/runs').set(bearer(clerk)).send({})).status).to.equal(403);
    expect((await api(g).post('/v1/reconciliation/runs').send({})).status).to.equal(401);
    const extra = await api(g).post('/v1/reconciliation/runs').set(bearer(auditor)).send({ scope: 'everything' });
    expect(extra.status).to.equal(400);
    expect(extra.body.error.code).to.equal('invalid_request');
    expect((await api(g).get('/v1/reconciliation/findings').set(bearer(clerk))).status).to.equal(403);
    expect(
      (await api(g).get('/v1/reconciliation/findings').query({ status: 'closed' }).set(bearer(auditor))).status,
    ).to.equal(400);
    expect((await api(g).get('/v1/reconciliation/findings').query({ limit: 0 }).set(bearer(auditor))).status).to.equal(
      400,
    );
    expect((await api(g).get('/v1/reconciliation/runs').set(bearer(clerk))).status).to.equal(403);
    expect((await api(g).get('/v1/reconciliation/runs').query({ limit: 1000 }).set(bearer(auditor))).status).to.equal(
      400,
    );
    expect((await api(g).get('/v1/reconciliation/runs/not%20a%20run').set(bearer(auditor))).status).to.equal(400);
    expect((await api(g).get(`/v1/reconciliation/runs/${crypto.randomUUID()}`).set(bearer(auditor))).status).to.equal(
      404,
    );
    expect(await db().collection('reconciliation_runs').countDocuments()).to.equal(runsBefore);
  });
});

describe('reconciliation: comparing a record with the ledger', function () {
  const ledger = {
    id: 'HT1',
    amount: 500,
    milestones: [
      { id: 'M1', status: 'accepted' },
      { id: 'M2', status: 'open' },
    ],
    party: { name: '甲方', tags: ['a'] },
  };

  it('when the read model holds the same values in another key order, then the records are the same', function () {
    expect(
      sameRecord(
        { party: { tags: ['a'], name: '甲方' }, milestones: ledger.milestones, amount: 500, id: 'HT1' },
        ledger,
      ),
    ).to.equal(true);
  });

  it('when nested values, array items or fields differ, then each is named by its dotted path with both values', function () {
    const stored = {
      id: 'HT1',
      amount: 900,
      milestones: [
        { id: 'M1', status: 'accepted' },
        { id: 'M2', status: 'paid' },
      ],
      party: { name: '甲方', tags: ['a', 'b'] },
      extra: true,
    };
    expect(sameRecord(stored, ledger)).to.equal(false);
    expect(changedFields(stored, ledger)).to.deep.equal([
      { path: 'amount', readModel: 900, ledger: 500 },
      { path: 'extra', readModel: true, ledger: null },
      { path: 'milestones.1.status', readModel: 'paid', ledger: 'open' },
      { path: 'party.tags', readModel: ['a', 'b'], ledger: ['a'] },
    ]);
  });
});
