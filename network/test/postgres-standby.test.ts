import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { psql } from '../src/database';
import { nodeHealthy } from '../src/network';
import { keeperProcess } from '../src/nodes';
import { writeRoles } from '../src/postgres/roles';
import { logFile, startAndWait } from '../src/processes';
import { loadSettings } from '../src/settings';
import { loadTopology } from '../src/topology';
import { connection, eventually, networkCliOk, networkStatus, StatusReport, suiteEnv } from './support/suite-network';

const roleOf = (status: StatusReport, id: string) => status.nodes.find((n) => n.id === id)?.role;
const clusters = (status: StatusReport) => status.nodes.filter((n) => n.kind === 'postgres');

/**
 * Issue 14: PostgreSQL was the one single point (4.5 s without writes in the soak, held down 3 s). The network runs a
 * primary and a standby it replicates to synchronously; the keeper promotes the standby when the primary dies.
 */
describe("PostgreSQL's primary and its synchronous standby", function () {
  this.timeout(240_000);
  let client: MongoClient;

  before(async () => {
    const db = connection().database;
    const password = fs.readFileSync(db.passwordFile!, 'utf8').trim();
    const url = `${db.url.replace('://', `://${db.user}:${encodeURIComponent(password)}@`)}?authMechanism=PLAIN`;
    client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000, retryWrites: false });
    await client.connect();
  });

  after(async () => {
    await client?.close();
  });

  const probes = () => client.db('luohu').collection<{ _id: string }>('failover_probes');
  /**
   * A write retried until one is answered: an upsert, since an attempt whose answer was lost in a failover may have
   * committed (a dying primary's backends still commit while its walsender lives).
   */
  const writeUntilAnswered = (id: string, what: string, timeoutMs?: number) =>
    eventually(
      what,
      () =>
        probes()
          .replaceOne({ _id: id }, { _id: id }, { upsert: true })
          .then(
            () => true,
            () => false,
          ),
      (ok) => ok,
      timeoutMs,
    );

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    // What the keeper saw and did is the first thing to read when a failover did not happen.
    const log = logFile(loadSettings({ ...process.env, ...suiteEnv }), 'postgres-keeper');
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') : '(no log)';
    process.stderr.write(`      the keeper's log, last lines:\n${tail}\n`);
  });

  it('when the primary is killed with SIGKILL, then the standby is promoted, a write acknowledged before is there, writes go on, and `up` brings the killed one back as the synchronous standby', async () => {
    const ready = await eventually('a synchronous standby', networkStatus, (s) =>
      clusters(s).some((n) => n.role === 'synchronous standby' && n.healthy),
    );
    const primary = clusters(ready).find((n) => n.role === 'primary')!;
    const standby = clusters(ready).find((n) => n.role === 'synchronous standby')!;
    const before = `before-${crypto.randomUUID()}`;
    await probes().insertOne({ _id: before });

    process.kill(primary.pid!, 'SIGKILL');
    const killedAt = Date.now();
    await eventually('the standby promoted', networkStatus, (s) => roleOf(s, standby.id) === 'primary', 30_000);
    const after = `after-${crypto.randomUUID()}`;
    await writeUntilAnswered(after, 'a write through FerretDB after the primary died', 60_000);
    process.stderr.write(`      first write acknowledged ${Date.now() - killedAt} ms after the kill\n`);

    // A read may meet a pooled connection to the dead primary once; the write must be there when one answers.
    const kept = await eventually(
      'the write acknowledged before the kill, read back',
      () =>
        probes()
          .findOne({ _id: before })
          .catch(() => 'unanswered'),
      (doc) => doc !== 'unanswered',
    );
    expect(kept).to.deep.equal({ _id: before });
    const promoted = await networkStatus();
    expect(roleOf(promoted, standby.id)).to.equal('primary');
    expect(promoted.nodes.find((n) => n.id === primary.id)!.pid).to.equal(null);

    await networkCliOk(['up']);
    const rejoined = await eventually(
      'the killed primary back as the synchronous standby',
      networkStatus,
      (s) => roleOf(s, primary.id) === 'synchronous standby' && clusters(s).every((n) => n.healthy),
      60_000,
    );
    expect(roleOf(rejoined, standby.id)).to.equal('primary');
    expect(await probes().countDocuments({ _id: { $in: [before, after] } })).to.equal(2);
  });

  it('when the standby is killed with SIGKILL, then commits stop waiting for it (writes go on), and after `up` they wait for it again', async () => {
    const ready = await eventually('a synchronous standby', networkStatus, (s) =>
      clusters(s).some((n) => n.role === 'synchronous standby' && n.healthy),
    );
    const standby = clusters(ready).find((n) => n.role === 'synchronous standby')!;

    process.kill(standby.pid!, 'SIGKILL');
    const killedAt = Date.now();
    // A commit that waited for the dead standby for ever would never answer: each write gets 20 s.
    const during = `standby-down-${crypto.randomUUID()}`;
    await Promise.race([
      probes().insertOne({ _id: during }),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the write hung waiting for the dead standby')), 20_000),
      ),
    ]);
    process.stderr.write(`      write acknowledged ${Date.now() - killedAt} ms after the standby died\n`);
    const alone = await eventually(
      'the standby recorded as no longer synchronous',
      networkStatus,
      (s) => roleOf(s, standby.id) === 'standby',
    );
    expect(alone.nodes.find((n) => n.id === standby.id)!.pid).to.equal(null);

    await networkCliOk(['up']);
    await eventually(
      'the standby synchronous again',
      networkStatus,
      (s) => roleOf(s, standby.id) === 'synchronous standby' && clusters(s).every((n) => n.healthy),
      60_000,
    );
    expect(await probes().findOne({ _id: during })).to.deep.equal({ _id: during });
  });

  it('when the keeper recorded a promotion and died before making it, then the keeper started again finishes it', async () => {
    const s = loadSettings({ ...process.env, ...suiteEnv });
    const t = loadTopology(s);
    const ready = await eventually('a synchronous standby', networkStatus, (st) =>
      clusters(st).some((n) => n.role === 'synchronous standby' && n.healthy),
    );
    const primary = clusters(ready).find((n) => n.role === 'primary')!;
    const standby = clusters(ready).find((n) => n.role === 'synchronous standby')!;
    const keeper = ready.nodes.find((n) => n.kind === 'keeper')!;
    const standbyNode = t.postgres.find((p) => p.id === standby.id)!;

    // What the keeper does before pg_promote, then dies: fence the primary, record the standby as the primary.
    process.kill(keeper.pid!, 'SIGKILL');
    process.kill(primary.pid!, 'SIGKILL');
    writeRoles(s, { primary: standby.id, synchronous: false, changedAt: Date.now() });
    expect((await psql(s, standbyNode.listen, 'postgres', 'SELECT pg_is_in_recovery()')).trim()).to.equal('t');

    // Only the keeper comes back (`up` would promote it itself).
    await startAndWait(s, keeperProcess(s, t), 'the keeper', () => nodeHealthy(s, t, t.keeper), 30_000);
    await eventually(
      'the recorded primary out of recovery',
      () => psql(s, standbyNode.listen, 'postgres', 'SELECT pg_is_in_recovery()').then((r) => r.trim()),
      (inRecovery) => inRecovery === 'f',
    );
    await writeUntilAnswered(`finished-${crypto.randomUUID()}`, 'a write through FerretDB on the promoted cluster');

    await networkCliOk(['up']);
    await eventually(
      'the killed primary back as the synchronous standby',
      networkStatus,
      (st) => roleOf(st, primary.id) === 'synchronous standby' && clusters(st).every((n) => n.healthy),
      60_000,
    );
  });
});
