import { expect } from 'chai';
import type mongoose from 'mongoose';
import { ReplicaLiveness } from '../../src/operations/replica-liveness';

/** Beats kept in memory in place of the `replicas` collection; `down` makes every call fail as a lost database does. */
function beats() {
  const records = new Map<string, number>();
  const state = { down: false };
  const check = () => {
    if (state.down) throw Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' });
  };
  const model = {
    updateOne: async (filter: { _id: string }, update: { $set: { beat: number } }) => {
      check();
      records.set(filter._id, update.$set.beat);
    },
    find: () => ({
      lean: async () => {
        check();
        return [...records].map(([_id, beat]) => ({ _id, beat }));
      },
    }),
    deleteOne: async () => undefined,
  };
  return { connection: { models: { ReplicaBeat: model } } as unknown as mongoose.Connection, state };
}

describe('replica liveness: who is gone, without comparing clocks', () => {
  const options = { beatMs: 500, deadAfterMs: 2_000 };

  it('when another replica stops beating, then it is called dead once its beat stood still for deadAfterMs, not before', async () => {
    let now = 0;
    const { connection } = beats();
    const a = new ReplicaLiveness(connection, options, () => now);
    const b = new ReplicaLiveness(connection, options, () => now);
    await a.tick();
    await b.tick();
    for (now = 500; now <= 1_500; now += 500) await b.tick(); // a has stopped
    now = 1_500;
    expect(b.isDead(a.id), 'after 1.5 s').to.equal(false);
    now = 2_500;
    await b.tick();
    expect(b.isDead(a.id), 'after 2.5 s').to.equal(true);
    await a.tick(); // it was only slow: beating again
    now = 3_000;
    await b.tick();
    expect(b.isDead(a.id)).to.equal(false);
  });

  it('when this replica cannot read the beats (its database is down), then it calls nobody dead', async () => {
    let now = 0;
    const { connection, state } = beats();
    const a = new ReplicaLiveness(connection, options, () => now);
    const b = new ReplicaLiveness(connection, options, () => now);
    await a.tick();
    await b.tick();
    state.down = true;
    for (now = 500; now <= 5_000; now += 500) await b.tick().catch(() => undefined);
    expect(b.isDead(a.id)).to.equal(false);
  });

  it('when an owner was never seen beating, or is this replica, or is unknown, then it is not called dead', async () => {
    let now = 0;
    const { connection } = beats();
    const b = new ReplicaLiveness(connection, options, () => now);
    await b.tick();
    now = 10_000;
    await b.tick();
    for (const owner of ['never-seen', b.id, null, undefined]) expect(b.isDead(owner), String(owner)).to.equal(false);
  });
});
