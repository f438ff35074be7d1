import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { PG_BIN } from '../src/database';
import { portAccepts } from '../src/processes';
import { loadSettings } from '../src/settings';
import { loadTopology } from '../src/topology';
import { connection, suiteEnv } from './support/suite-network';

interface Psql {
  code: number | null;
  stderr: string;
}

/** psql that never prompts (-w): it either authenticates with what it is given or fails. */
function psql(args: string[], password?: string): Promise<Psql> {
  return new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH,
      PGCONNECT_TIMEOUT: '5',
      ...(password !== undefined ? { PGPASSWORD: password } : {}),
    };
    execFile(
      path.join(PG_BIN, 'psql'),
      ['-w', ...args, '-d', 'luohu', '-tAc', 'SELECT count(*) FROM pg_tables'],
      { env },
      (err, _stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
      },
    );
  });
}

/** What the old layout allowed: anyone on the machine inserted a session row and became admin.housing. */
async function tryReadAndInsertSessions(url: string): Promise<{ read: string; insert: string }> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  const outcome = async (what: () => Promise<unknown>) =>
    what().then(
      () => 'allowed',
      (err: Error) => `refused: ${err.message}`,
    );
  try {
    const sessions = client.db('luohu').collection('sessions');
    return {
      read: await outcome(() => sessions.find({}).limit(1).toArray()),
      insert: await outcome(() =>
        sessions.insertOne({ _id: `forged-${Date.now()}` as never, userId: 'admin.housing' }),
      ),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

describe('the database requires authentication', function () {
  this.timeout(60_000);
  // Read when the tests run: the connection description exists only once the suite's hook has brought the network up.
  let db: ReturnType<typeof connection>['database'];
  before(() => {
    db = connection().database;
  });
  const topology = loadTopology(loadSettings({ ...process.env, ...suiteEnv }));
  const pg = topology.postgres[0].listen;
  const password = () => fs.readFileSync(db.passwordFile!, 'utf8').trim();
  const withCredentials = (pw: string) =>
    `${db.url.replace('://', `://${db.user}:${encodeURIComponent(pw)}@`)}?authMechanism=PLAIN`;

  it('when the network is up, then the database password is generated and kept in a 0600 file', () => {
    expect(db.passwordFile).to.be.a('string');
    expect(fs.statSync(db.passwordFile!).mode & 0o777).to.equal(0o600);
    expect(password()).to.have.length.greaterThan(20);
    expect(JSON.stringify(connection())).not.to.include(password());
  });

  it('when a client connects to FerretDB without credentials, then it can neither read nor insert sessions', async () => {
    const result = await tryReadAndInsertSessions(db.url);
    expect(result.read).to.match(/^refused/);
    expect(result.insert).to.match(/^refused/);
  });

  it('when a client connects to FerretDB with a wrong password, then it can neither read nor insert sessions', async () => {
    const result = await tryReadAndInsertSessions(withCredentials('not-the-password'));
    expect(result.read).to.match(/^refused/);
    expect(result.insert).to.match(/^refused/);
  });

  it('when a client connects to FerretDB with the generated password, then it reads (the refusals above are authentication)', async () => {
    const client = new MongoClient(withCredentials(password()), { serverSelectionTimeoutMS: 5_000 });
    try {
      expect(await client.db('luohu').collection('sessions').find({}).limit(1).toArray()).to.be.an('array');
    } finally {
      await client.close();
    }
  });

  it('when a client connects to PostgreSQL over TCP without the password or with a wrong one, then it is refused', async () => {
    const tcp = ['-h', pg.host, '-p', String(pg.port), '-U', 'luohu'];
    const none = await psql(tcp);
    expect(none.code).to.not.equal(0);
    expect(none.stderr).to.match(/no password supplied/);
    const wrong = await psql(tcp, 'not-the-password');
    expect(wrong.code).to.not.equal(0);
    expect(wrong.stderr).to.match(/password authentication failed/);
    expect((await psql(['-h', pg.host, '-p', String(pg.port), '-U', 'postgres'])).code).to.not.equal(0);
    expect((await psql(tcp, password())).code).to.equal(0);
  });

  it('when a client connects to PostgreSQL over its unix socket without the password, then it is refused', async () => {
    const socketDir = path.join(suiteEnv.LUOHU_NETWORK_DIR, 'data', 'database-postgres');
    expect(fs.existsSync(path.join(socketDir, `.s.PGSQL.${pg.port}`))).to.equal(true);
    const socket = ['-h', socketDir, '-p', String(pg.port), '-U', 'luohu'];
    const none = await psql(socket);
    expect(none.code).to.not.equal(0);
    expect(none.stderr).to.match(/no password supplied/);
    expect((await psql(socket, 'not-the-password')).stderr).to.match(/password authentication failed/);
  });

  it("when anyone dials FerretDB's debug port, then nothing answers", async () => {
    expect(await portAccepts(topology.database.debug)).to.equal(false);
  });
});
