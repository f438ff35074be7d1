import crypto from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { LedgerEvent } from '../src/projection/events';
import {
  builtId,
  directoryId,
  fromStored,
  LABELS,
  LISTS_COLLECTION,
  MAX_BUCKET,
  StoredDirectory,
  versionId,
} from '../src/projection/list-shapes';
import { type ListMembers, PostgresMembers } from '../src/projection/list-members';
import { ReadModel, ReadModelDocument } from '../src/projection/read-model';
import { PostgresPrimary } from '../src/platform/postgres-primary';
import { pageBy } from '../src/shared/read-queries';
import { testConfig } from './support/gateway';

/** Read-model lists on the suite's FerretDB, in a database of their own: what pages return, through splits and merges. */
const STATUSES = ['pre_review', 'approved', 'rejected'];
const CONTRACTORS = ['C-1', 'C-2'];

let position = 1_000;
const event = (state: Record<string, unknown>, at = ++position): LedgerEvent => ({
  position: at,
  blockNumber: Math.floor(at / 100_000),
  transactionId: crypto.randomBytes(32).toString('hex'),
  type: 'project',
  ids: { projectId: String(state.id) },
  state,
});
const project = (id: string, status: string, contractorId: string) => ({
  docType: 'project',
  id,
  name: `工程${id}`,
  status,
  contractorId,
});

/** Every page of a list, following `next`. */
async function allPages(
  model: mongoose.Model<ReadModelDocument>,
  filter: Record<string, unknown>,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await pageBy(model, filter, limit, after);
    expect(page.items.length).to.be.at.most(limit);
    ids.push(...page.items.map((i) => String(i.id)));
    if (page.next === null) return ids;
    expect(page.items.length, 'a page with a next cursor is full').to.equal(limit);
    after = page.next;
  }
  throw new Error('too many pages');
}

/** Splits and merges through FerretDB, and straight in its PostgreSQL tables (what the gateway does on PostgreSQL). */
const MEMBERS: Array<[string, () => { members?: ListMembers; close(): Promise<void> }]> = [
  ['through FerretDB', () => ({ close: async () => undefined })],
  [
    'straight in PostgreSQL',
    () => {
      const postgres = new PostgresPrimary(testConfig().connection.database.postgresql!);
      return { members: new PostgresMembers(postgres), close: () => postgres.close() };
    },
  ],
];

for (const [via, membersOf] of MEMBERS)
  describe(`read-model lists (buckets the projection keeps, read by label; split and merged ${via})`, function () {
    this.timeout(300_000);
    let members: ReturnType<typeof membersOf>;
    let connection: mongoose.Connection;
    let readModel: ReadModel;
    let projects: mongoose.Model<ReadModelDocument>;
    const current = new Map<string, { status: string; contractorId: string }>();

    /** What each list must hold: the plain query over the records as the test wrote them. */
    const expected = (filter: { status?: string; contractorId?: string }) =>
      [...current.entries()]
        .filter(
          ([, p]) =>
            (!filter.status || p.status === filter.status) &&
            (!filter.contractorId || p.contractorId === filter.contractorId),
        )
        .map(([id]) => id)
        .sort();

    const directory = async (list: string) =>
      fromStored(
        (await connection
          .collection(LISTS_COLLECTION)
          .findOne({ _id: directoryId('projects', list) as never })) as unknown as StoredDirectory,
      );

    /** The records each bucket of a list holds (by its label), checked to lie in the bucket's range. */
    async function bucketSizes(list: string): Promise<number[]> {
      const dir = await directory(list);
      const sizes: number[] = [];
      for (const [i, [seq, from]] of dir.buckets.entries()) {
        const ids = (await projects.find({ [LABELS]: `${list}#${seq}` }, { _id: 1 }).lean()).map((d) => String(d._id));
        const to = dir.buckets[i + 1]?.[1];
        expect(
          ids.every((id) => id >= from && (to === undefined || id < to)),
          `bucket ${seq} of ${list} holds only its range`,
        ).to.equal(true);
        sizes.push(ids.length);
      }
      return sizes;
    }

    async function expectEveryListRight(limit: number): Promise<void> {
      for (const filter of [
        {},
        ...STATUSES.map((status) => ({ status })),
        ...CONTRACTORS.map((contractorId) => ({ contractorId })),
        { status: 'approved', contractorId: 'C-2' },
      ]) {
        expect(await allPages(projects, filter, limit), JSON.stringify(filter)).to.deep.equal(expected(filter));
      }
    }

    before(async () => {
      const url = testConfig().mongoUrl.replace(
        /\/[^/?]*(\?|$)/,
        `/luohu_lists_${crypto.randomBytes(3).toString('hex')}$1`,
      );
      connection = await mongoose.createConnection(url).asPromise();
      members = membersOf();
      readModel = new ReadModel(connection, {}, undefined, members.members);
      projects = readModel.model('project');
      await projects.createCollection();
      await readModel.resume(); // builds the (empty) lists
      // Events are applied here directly, each completely: the checkpoint is past them all, so reads never wait for it.
      await connection
        .collection('checkpoints')
        .updateOne(
          { _id: 'read-model' as never },
          { $set: { position: Number.MAX_SAFE_INTEGER, blockNumber: Number.MAX_SAFE_INTEGER, blockComplete: true } },
          { upsert: true },
        );
    });

    after(async () => {
      await connection?.dropDatabase().catch(() => undefined);
      await connection?.close();
      await members?.close();
    });

    it('when records enter lists in any order, then every list pages exactly like the plain query, and a full bucket splits', async () => {
      const ids = Array.from({ length: MAX_BUCKET + 60 }, (_, n) => `P-${String(n).padStart(4, '0')}`).sort(
        () => Math.random() - 0.5,
      );
      for (const [n, id] of ids.entries()) {
        const p = { status: STATUSES[n % 3], contractorId: CONTRACTORS[n % 2] };
        await readModel.apply([event(project(id, p.status, p.contractorId))]);
        current.set(id, p);
      }
      const all = await directory('*');
      expect(all.buckets.length, 'the unfiltered list split').to.be.greaterThan(1);
      const sizes = await bucketSizes('*');
      expect(sizes.reduce((a, b) => a + b, 0)).to.equal(ids.length);
      expect(Math.max(...sizes)).to.be.at.most(MAX_BUCKET);
      expect(all.version % 2).to.equal(0);
      await expectEveryListRight(7);
      await expectEveryListRight(100);
    });

    it('when records move between lists, then they leave the old list and join the new one, and buckets that shrink merge', async () => {
      const moveAll = async (status: string) => {
        for (const id of [...current.keys()].filter((i) => current.get(i)!.status !== status)) {
          const p = { ...current.get(id)!, status };
          await readModel.apply([event(project(id, p.status, p.contractorId))]);
          current.set(id, p);
        }
      };
      await moveAll('approved');
      expect(await allPages(projects, { status: 'pre_review' }, 20)).to.deep.equal([]);
      expect(
        (await directory('status=approved')).buckets.length,
        'the approved list split as it grew',
      ).to.be.greaterThan(1);
      await expectEveryListRight(13);

      await moveAll('rejected');
      const emptied = await directory('status=approved');
      expect(emptied.buckets.length, 'its buckets merged as it emptied').to.equal(1);
      expect(await bucketSizes('status=approved')).to.deep.equal([0]);
      expect((await bucketSizes('status=rejected')).reduce((a, b) => a + b, 0)).to.equal(current.size);
      expect(emptied.version, 'splits and merges each moved the version on').to.be.at.least(4);
      await expectEveryListRight(11);
    });

    it('when one batch brings many records and moves others (a projector catching up), then every list is still right and no bucket is left too big', async () => {
      const fresh = Array.from({ length: 3 * MAX_BUCKET }, (_, n) => `Q-${String(n).padStart(4, '0')}`).sort(
        () => Math.random() - 0.5,
      );
      const moved = [...current.keys()].slice(0, 40);
      const batch: LedgerEvent[] = [];
      for (const [n, id] of fresh.entries()) {
        const p = { status: STATUSES[n % 3], contractorId: CONTRACTORS[n % 2] };
        batch.push(event(project(id, 'pre_review', p.contractorId))); // created, then changed later in the same batch
        current.set(id, p);
      }
      for (const id of [...fresh.slice(0, 100), ...moved]) {
        const p = { ...current.get(id)!, status: 'approved' };
        batch.push(event(project(id, p.status, p.contractorId)));
        current.set(id, p);
      }
      for (const id of fresh.slice(100)) {
        const p = current.get(id)!;
        batch.push(event(project(id, p.status, p.contractorId)));
      }
      await readModel.apply(batch);
      for (const list of ['*', 'status=approved', 'contractorId=C-1']) {
        const sizes = await bucketSizes(list);
        expect(Math.max(...sizes), `the buckets of ${list}`).to.be.at.most(MAX_BUCKET);
      }
      await expectEveryListRight(17);
    });

    it('when an event is replayed (an older position), then the record, its labels and the lists stay as they are', async () => {
      const id = [...current.keys()][0];
      const stored = await projects.findById(id).lean<ReadModelDocument>();
      await readModel.apply([event(project(id, 'rejected', 'C-1'), (stored!._position as number) - 1)]);
      const again = await projects.findById(id).lean<ReadModelDocument>();
      expect(again!.status).to.equal(stored!.status);
      expect(again![LABELS]).to.deep.equal(stored![LABELS]);
      await expectEveryListRight(50);
    });

    it('when a batch comes after a restart (the projector no longer knows what it wrote), then records it takes for new but the read model holds are placed again from what it holds: moved, created twice in one batch, or replayed, every list ends right', async () => {
      const restarted = new ReadModel(connection, {}, undefined, members.members); // knows nothing it wrote: every record is taken for new
      await restarted.resume();
      const existing = [...current.keys()];
      const batch: LedgerEvent[] = [];
      // Two events for one record the read model holds: it ends as the last left it, in that list only.
      const twice = existing[1];
      batch.push(event(project(twice, 'pre_review', current.get(twice)!.contractorId)));
      batch.push(event(project(twice, 'approved', 'C-2')));
      current.set(twice, { status: 'approved', contractorId: 'C-2' });
      // Records the read model holds, moved to another list.
      for (const id of existing.slice(2, 30)) {
        const p = { ...current.get(id)!, status: current.get(id)!.status === 'rejected' ? 'pre_review' : 'rejected' };
        batch.push(event(project(id, p.status, p.contractorId)));
        current.set(id, p);
      }
      // A new record, created and then changed in the same batch.
      batch.push(event(project('R-0001', 'pre_review', 'C-1')));
      batch.push(event(project('R-0001', 'approved', 'C-1')));
      current.set('R-0001', { status: 'approved', contractorId: 'C-1' });
      // A replayed event (older than what the read model holds): left as it is.
      const replayed = existing[0];
      const stored = await projects.findById(replayed).lean<ReadModelDocument>();
      batch.push(event(project(replayed, 'pre_review', 'C-1'), (stored!._position as number) - 1));
      await restarted.apply(batch);

      const again = await projects.findById(replayed).lean<ReadModelDocument>();
      expect(again![LABELS], 'the replayed record keeps its labels').to.deep.equal(stored![LABELS]);
      expect(again!._position).to.equal(stored!._position);
      const doc = await projects.findById(twice).lean<ReadModelDocument>();
      expect(doc).to.include({ status: 'approved', contractorId: 'C-2' });
      expect((doc![LABELS] as string[]).map((l) => l.slice(0, l.lastIndexOf('#'))).sort()).to.deep.equal(
        ['*', 'contractorId=C-2', 'status=approved', 'status=approved&contractorId=C-2'].sort(),
      );
      await expectEveryListRight(19);
      // The next batch, with what it now knows (no read), moves one of them back.
      const p = { ...current.get(twice)!, status: 'rejected' };
      await restarted.apply([event(project(twice, p.status, p.contractorId))]);
      current.set(twice, p);
      await expectEveryListRight(23);
      for (const list of ['*', 'status=rejected', 'status=approved'])
        expect(Math.max(...(await bucketSizes(list))), `the buckets of ${list}`).to.be.at.most(MAX_BUCKET);
    });

    it('when a split or merge is under way (version changing), then a page is read by the plain query and is still right', async () => {
      const versions = connection.collection(LISTS_COLLECTION);
      const dir = await directory('status=approved');
      await versions.replaceOne(
        { _id: versionId('projects', 'status=approved') as never },
        { collection: 'projects', changing: true, version: dir.version + 1 },
        { upsert: true },
      );
      try {
        expect(await allPages(projects, { status: 'approved' }, 30)).to.deep.equal(expected({ status: 'approved' }));
      } finally {
        await versions.replaceOne(
          { _id: versionId('projects', 'status=approved') as never },
          { collection: 'projects', changing: false, version: dir.version },
          { upsert: true },
        );
      }
    });

    it('when a read model has records but no lists (built before them, or an interrupted split), then the projector builds them when it resumes', async () => {
      // Records as an older gateway wrote them: no labels, no directories.
      await projects.updateMany({}, { $unset: { [LABELS]: '' } });
      await connection.collection(LISTS_COLLECTION).deleteMany({});
      await expectEveryListRight(40); // the plain query, meanwhile
      await readModel.resume();
      expect(await connection.collection(LISTS_COLLECTION).findOne({ _id: builtId('projects') as never })).to.not.equal(
        null,
      );
      expect(
        (await directory('*')).buckets.reduce((n, b) => n + b[2], 0),
        'a build counts exactly',
      ).to.equal(current.size);
      expect((await bucketSizes('*')).reduce((a, b) => a + b, 0)).to.equal(current.size);
      await expectEveryListRight(9);
    });
  });
