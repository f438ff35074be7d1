import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import {
  ADMIN_PASSWORD,
  eventually,
  operatorAuth,
  gatewayUnderTest,
  newUser,
  stopSharedGateway,
  suiteNetworkDir,
  testConfig,
  uniqueId,
} from './support/gateway';
import { roadApplication } from './support/fixtures';

const repo = path.resolve(__dirname, '..', '..');

/** A real gateway process (tsx gateway/src/main.ts) on the suite's network and database. */
/** Every child started, whether or not it came up: a child left running would take MQTT messages of later suites. */
const started: ChildProcess[] = [];

function gatewayProcess(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(repo, 'gateway', 'src', 'main.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      LUOHU_NETWORK_DIR: suiteNetworkDir,
      LUOHU_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  started.push(child);
  // Starting a gateway (tsx compiling it, bootstrap, recovery) takes seconds on a quiet machine and far more on a busy
  // one; how long is not what this test is about.
  return eventually(
    `gateway on port ${port}`,
    async () =>
      (
        await request(`http://127.0.0.1:${port}`)
          .get('/healthz')
          .catch(() => ({ status: 0 }))
      ).status,
    (s) => s === 200,
    120_000,
  ).then(() => child);
}

async function projected(port: number): Promise<number> {
  const text = (await request(`http://127.0.0.1:${port}`).get('/metrics').set(operatorAuth())).text;
  return Number(/^luohu_projected_events_total (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('two gateway replicas on one database and one network', function () {
  this.timeout(300_000);
  // Beside the suite's own network (its base port), so that two suites on one machine never share a port.
  const base = Number(process.env.LUOHU_TEST_BASE_PORT ?? 17000);
  const ports = [base + 931, base + 932];

  // SIGTERM lets each drain; one that has not exited 10 s later is killed (a shutdown stuck on a dead database).
  after(async () => {
    await Promise.all(
      started.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) {
              resolve();
              return;
            }
            const force = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  });

  /** Custodial: these tests speak plain HTTP to the replicas, with no signing client in between. */
  let contractor: Awaited<ReturnType<typeof newUser>>;
  let replicas: Promise<unknown> | undefined;
  /** The two replicas, started once (only they may project: the suite's shared gateway is stopped first). */
  const bothReplicas = async () => {
    contractor ??= await newUser(await gatewayUnderTest(), 'contractor', { custody: 'gateway' });
    replicas ??= stopSharedGateway().then(() => Promise.all(ports.map(gatewayProcess)));
    await replicas;
  };

  it('when a write goes through one replica, then the other reads it, and each event is projected exactly once', async () => {
    await bothReplicas();
    const [a, b] = ports.map((p) => request(`http://127.0.0.1:${p}`));
    const ids = [uniqueId('P'), uniqueId('P'), uniqueId('P'), uniqueId('P')];
    // Let the replicas finish catching up on older events before counting.
    const total = async () => (await projected(ports[0])) + (await projected(ports[1]));
    let before = -1;
    for (let now = await total(); now !== before; now = await total()) {
      before = now;
      await new Promise((r) => setTimeout(r, 1500));
    }
    for (const id of ids)
      await a
        .post('/v1/projects')
        .set('authorization', `Bearer ${contractor.token}`)
        .send(roadApplication(id, contractor))
        .expect(201);
    // The session token was issued by another gateway: sessions live in the database, so B knows it too.
    for (const id of ids) {
      await eventually(
        `${id} through replica B`,
        async () => (await b.get(`/v1/projects/${id}`).set('authorization', `Bearer ${contractor.token}`)).status,
        (s) => s === 200,
        30_000,
      );
    }
    const after = (await projected(ports[0])) + (await projected(ports[1]));
    expect(after - before).to.equal(ids.length);
  });

  it('when the replica that projects is killed (SIGKILL: its lease is never released), then the other takes the lease within ~3 s and projects what was written meanwhile', async () => {
    await bothReplicas();
    const db = await mongoose.createConnection(testConfig().mongoUrl).asPromise();
    try {
      const holder = async () =>
        String((await db.collection('leases').findOne({ _id: 'projector' as never }))?.holder ?? '');
      const victim = await holder();
      expect(victim, 'one replica holds the projector lease').to.match(/^\d+-/);
      // The lease names the gateway's own process (tsx runs it as a child of the process spawned here).
      process.kill(Number(victim.split('-')[0]), 'SIGKILL');
      const killed = Date.now();
      const taken = await eventually(
        'another replica to take the projector lease',
        holder,
        (h) => h !== '' && h !== victim,
        30_000,
      );
      const takeoverMs = Date.now() - killed;
      process.stderr.write(`      (projector lease taken over ${takeoverMs} ms after the holder was killed)\n`);
      expect(takeoverMs, 'the lease passed within ~3 s').to.be.at.most(3_500);
      const alive = async (port: number) =>
        (
          await request(`http://127.0.0.1:${port}`)
            .get('/healthz')
            .catch(() => ({ status: 0 }))
        ).status === 200;
      const survivor = request(`http://127.0.0.1:${(await alive(ports[0])) ? ports[0] : ports[1]}`);
      expect(taken.split('-')[0], 'the survivor holds it').to.not.equal(victim.split('-')[0]);
      const id = uniqueId('P');
      await survivor
        .post('/v1/projects')
        .set('authorization', `Bearer ${contractor.token}`)
        .send(roadApplication(id, contractor))
        .expect(201);
      await eventually(
        `${id} projected by the survivor`,
        async () =>
          (await survivor.get(`/v1/projects/${id}`).set('authorization', `Bearer ${contractor.token}`)).status,
        (s) => s === 200,
        15_000,
      );
    } finally {
      await db.close();
    }
  });
});
