import { expect } from 'chai';
import crypto from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { RateLimit } from '../src/platform/rate-limit';
import { errorHandler } from '../src/error-handler';
import { createLogger } from '../src/platform/logger';
import { trustedProxies } from '../src/platform/client-address';
import { loadConfig } from '../src/config';
import {
  api,
  ADMIN_PASSWORD,
  gatewayUnderTest,
  login,
  suiteNetworkDir,
  TEST_PROXIES,
  testConfig,
  TestGateway,
} from './support/gateway';

/** Sign-in, sessions and client addresses (issue 10: findings 1, 7, 8 and 11's revoked-user answer). */
describe('gateway sign-in and sessions', function () {
  this.timeout(120_000);
  let g: TestGateway;
  let admin: string;
  before(async () => {
    g = await gatewayUnderTest();
    admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
  });

  const password = () => `Pw-${crypto.randomUUID()}`;
  async function registered(role = 'clerk', extra: Record<string, string> = { dept: 'housing' }) {
    const username = `${role}-${crypto.randomUUID().slice(0, 12)}`;
    const pw = password();
    await api(g)
      .post('/v1/users')
      .set('authorization', `Bearer ${admin}`)
      .send({ username, password: pw, role, displayName: 'under test', ...extra })
      .expect(201);
    return { username, password: pw };
  }
  const signIn = (username: string, pw: string) => api(g).post('/v1/sessions').send({ username, password: pw });
  const me = (token: string) => api(g).get('/v1/me').set('authorization', `Bearer ${token}`);
  /** The throttle keeps accounts under a keyed hash; the test computes it to let the lock-out's time pass. */
  function throttleId(username: string): string {
    const key = Buffer.from(
      crypto.hkdfSync('sha256', testConfig().keyEncryptionKey, Buffer.alloc(0), 'luohu-sign-in-throttle', 32),
    );
    return `account:${crypto.createHmac('sha256', key).update(username).digest('hex').slice(0, 32)}`;
  }
  const throttles = () => g.connection.collection<{ _id: string; nextAllowedAt: Date }>('sign_in_throttles');
  const afterCacheExpiry = () => new Promise((r) => setTimeout(r, 2_200));

  describe('sessions (finding 1)', () => {
    it('when a session row is inserted straight into the database, with or without a matching token hash, then it does not authenticate (401)', async () => {
      const sessions = g.connection.collection<{ _id: string } & Record<string, unknown>>('sessions');
      const expiresAt = new Date(Date.now() + 3_600_000);
      const copy = {
        _id: 'admin.housing',
        org: 'housing',
        mspId: 'HousingMSP',
        role: 'admin',
        dept: null,
        displayName: 'x',
        status: 'active',
      };
      // A token of the old shape, its sha256 as the row id (what the gateway used to trust).
      const oldToken = crypto.randomBytes(32).toString('base64url');
      await sessions.insertOne({
        _id: crypto.createHash('sha256').update(oldToken).digest('hex'),
        userId: 'admin.housing',
        user: copy,
        expiresAt,
        createdAt: new Date(),
      });
      await me(oldToken).expect(401);
      // A token of the new shape (id + 43 characters of would-be MAC), its id's hash as the row id.
      const id = crypto.randomBytes(32).toString('base64url');
      const forged = id + crypto.randomBytes(32).toString('base64url');
      await sessions.insertOne({
        _id: crypto.createHash('sha256').update(id).digest('hex'),
        userId: 'admin.housing',
        user: copy,
        expiresAt,
        createdAt: new Date(),
      });
      await me(forged).expect(401);
      await api(g)
        .post('/v1/users')
        .set('authorization', `Bearer ${forged}`)
        .send({ username: 'forged-user', password: password(), role: 'clerk', displayName: 'x' })
        .expect(401);
      // A row with no token behind it at all: a random token does not find it.
      await sessions.insertOne({
        _id: crypto.randomBytes(32).toString('hex'),
        userId: 'admin.housing',
        user: copy,
        expiresAt,
        createdAt: new Date(),
      });
      await me(crypto.randomBytes(64).toString('base64url').slice(0, 86)).expect(401);
    });

    it("when a session row's user is changed in the database, then its token no longer authenticates (401)", async () => {
      const clerk = await registered();
      const token = (await signIn(clerk.username, clerk.password).expect(201)).body.token as string;
      await me(token).expect(200);
      const sessions = g.connection.collection<{ _id: string; userId: string }>('sessions');
      await sessions.updateMany({ userId: clerk.username }, { $set: { userId: 'admin.housing' } });
      await afterCacheExpiry();
      await me(token).expect(401);
    });

    it("when a user row's role, bureau or department is edited in the database, then the user still acts with their certificate's", async () => {
      const clerk = await registered();
      const token = (await signIn(clerk.username, clerk.password).expect(201)).body.token as string;
      await g.connection
        .collection('users')
        .updateOne(
          { _id: clerk.username as never },
          { $set: { role: 'admin', org: 'finance', mspId: 'FinanceMSP', dept: 'budget' } },
        );
      await afterCacheExpiry();
      const res = await me(token).expect(200);
      expect(res.body).to.include({
        _id: clerk.username,
        role: 'clerk',
        mspId: 'HousingMSP',
        org: 'housing',
        dept: 'housing',
      });
      await api(g)
        .post('/v1/users')
        .set('authorization', `Bearer ${token}`)
        .send({
          username: `x-${crypto.randomUUID().slice(0, 8)}`,
          password: password(),
          role: 'clerk',
          displayName: 'x',
        })
        .expect(403);
      const again = await signIn(clerk.username, clerk.password).expect(201);
      expect(again.body.user).to.include({ role: 'clerk', mspId: 'HousingMSP' });
    });

    it("when a user row is given another user's certificate in the database, then that user's sessions no longer authenticate (401)", async () => {
      const clerk = await registered();
      const token = (await signIn(clerk.username, clerk.password).expect(201)).body.token as string;
      const adminRow = await g.connection
        .collection<{ _id: string; certificate: string }>('users')
        .findOne({ _id: 'admin.housing' });
      await g.connection
        .collection('users')
        .updateOne({ _id: clerk.username as never }, { $set: { certificate: adminRow!.certificate } });
      await afterCacheExpiry();
      await me(token).expect(401);
    });
  });

  describe('client addresses (finding 7)', () => {
    /** A trust-proxy setting in front of a real limiter (2 requests a window), answering the bucket's verdict. */
    function limitedApp(trustProxy: unknown) {
      const app = express();
      app.set('trust proxy', trustProxy);
      const limit = new RateLimit(
        g.connection,
        `trust-proxy-test-${crypto.randomUUID()}`,
        crypto.randomBytes(32),
        { windowMs: 60_000, max: 2 },
        'requests',
      );
      app.get('/limited', async (req, res, next) => {
        try {
          await limit.take(req.ip ?? 'unknown');
          res.json({ ip: req.ip });
        } catch (err) {
          next(err);
        }
      });
      app.use(errorHandler(createLogger('silent')));
      return app;
    }

    it('when a direct client sends X-Forwarded-For, then its rate-limit bucket does not change (429 on the 3rd request)', async () => {
      // A gateway configured as shipped: TRUSTED_PROXIES unset.
      const app = limitedApp(
        trustedProxies(
          loadConfig({ NODE_ENV: 'test', LUOHU_NETWORK_DIR: suiteNetworkDir, LUOHU_ADMIN_PASSWORD: ADMIN_PASSWORD })
            .trustedProxies,
        ),
      );
      for (const forwarded of ['203.0.113.1', '203.0.113.2']) {
        const res = await request(app).get('/limited').set('X-Forwarded-For', forwarded).expect(200);
        expect(res.body.ip).to.not.equal(forwarded);
      }
      await request(app).get('/limited').set('X-Forwarded-For', '203.0.113.3').expect(429);
    });

    it('when a configured proxy forwards for different clients, then each client has its own bucket', async () => {
      const app = limitedApp(trustedProxies(testConfig({ TRUSTED_PROXIES: TEST_PROXIES }).trustedProxies));
      for (const forwarded of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        const res = await request(app).get('/limited').set('X-Forwarded-For', forwarded).expect(200);
        expect(res.body.ip).to.equal(forwarded);
      }
    });

    it('when TRUSTED_PROXIES names something that is not an address, then the setting is refused', () => {
      expect(() => trustedProxies(['proxy.example'])).to.throw(/TRUSTED_PROXIES/);
    });
  });

  describe('password guessing (finding 8)', () => {
    it('when an account gets 40 wrong passwords, then the 6th to 40th get 429 with Retry-After, the right one is refused within the lock-out, and works after it', async () => {
      const clerk = await registered();
      for (let i = 1; i <= 5; i++) await signIn(clerk.username, `wrong-${i}-${password()}`).expect(401);
      for (let i = 6; i <= 40; i++) {
        const res = await signIn(clerk.username, `wrong-${i}-${password()}`).expect(429);
        expect(Number(res.headers['retry-after'])).to.be.within(1, 30);
      }
      await signIn(clerk.username, clerk.password).expect(429);
      // The lock-out's time passes.
      await throttles().updateOne(
        { _id: throttleId(clerk.username) },
        { $set: { nextAllowedAt: new Date(Date.now() - 1_000) } },
      );
      await signIn(clerk.username, clerk.password).expect(201);
    });

    it('when an account is locked again after its lock-out, then the wait has grown', async () => {
      const clerk = await registered();
      for (let i = 1; i <= 5; i++) await signIn(clerk.username, `wrong-${i}-${password()}`).expect(401);
      const first = Number((await signIn(clerk.username, password()).expect(429)).headers['retry-after']);
      await throttles().updateOne(
        { _id: throttleId(clerk.username) },
        { $set: { nextAllowedAt: new Date(Date.now() - 1_000) } },
      );
      await signIn(clerk.username, password()).expect(401);
      const second = Number((await signIn(clerk.username, password()).expect(429)).headers['retry-after']);
      expect(second).to.be.greaterThan(first);
    });

    it("when 60 guesses at one account run in parallel, then at most 5 reach the password check and another user's sign-in succeeds", async () => {
      const [target, other] = [await registered(), await registered()];
      const guesses = Array.from({ length: 60 }, (_, i) => signIn(target.username, `guess-${i}-${password()}`));
      const mine = signIn(other.username, other.password);
      const [answers, own] = await Promise.all([Promise.all(guesses), mine]);
      expect(own.status).to.equal(201);
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length).to.be.within(1, 5);
      expect(statuses.filter((s) => s !== 401 && s !== 429)).to.deep.equal([]);
    });

    it('when a weak password is chosen at registration, then it is refused with 400 and no user is created', async () => {
      for (const weak of ['aaaaaaaaaaaa', 'password1234', 'abcdefghxyzw']) {
        const username = `weak-${crypto.randomUUID().slice(0, 8)}`;
        const res = await api(g)
          .post('/v1/users')
          .set('authorization', `Bearer ${admin}`)
          .send({ username, password: weak, role: 'clerk', displayName: 'x' })
          .expect(400);
        expect(res.body.error.message).to.match(/password must/);
        await api(g).get(`/v1/users/${username}`).set('authorization', `Bearer ${admin}`).expect(404);
      }
      const username = `weak-${crypto.randomUUID().slice(0, 8)}`;
      await api(g)
        .post('/v1/users')
        .set('authorization', `Bearer ${admin}`)
        .send({ username, password: `${username}-Secret-9`, role: 'clerk', displayName: 'x' })
        .expect(400);
    });

    it('when a user changes their password, then the old one stops working, the new one works, and their other sessions end', async () => {
      const clerk = await registered();
      const here = (await signIn(clerk.username, clerk.password).expect(201)).body.token as string;
      const elsewhere = (await signIn(clerk.username, clerk.password).expect(201)).body.token as string;
      const change = (token: string, body: object) =>
        api(g).post('/v1/users/me/password').set('authorization', `Bearer ${token}`).send(body);
      await change(here, { currentPassword: clerk.password, newPassword: 'aaaaaaaaaaaa' }).expect(400);
      await change(here, { currentPassword: `wrong-${password()}`, newPassword: password() }).expect(403);
      const fresh = password();
      await change(here, { currentPassword: clerk.password, newPassword: fresh }).expect(204);
      await me(here).expect(200);
      await me(elsewhere).expect(401);
      await signIn(clerk.username, clerk.password).expect(401);
      await signIn(clerk.username, fresh).expect(201);
      await change(here, { currentPassword: fresh }).expect(400);
      await api(g).post('/v1/users/me/password').send({ currentPassword: fresh, newPassword: password() }).expect(401);
    });
  });

  describe('revoked users (finding 11)', () => {
    it('when a revoked user signs in with the right or a wrong password, then both get the same 401 answer', async () => {
      const clerk = await registered();
      await api(g)
        .post(`/v1/users/${clerk.username}/revocation`)
        .set('authorization', `Bearer ${admin}`)
        .send({ reason: 'left the bureau' })
        .expect(200);
      const right = await signIn(clerk.username, clerk.password).expect(401);
      const wrong = await signIn(clerk.username, `wrong-${password()}`).expect(401);
      const unknown = await signIn(`nobody-${crypto.randomUUID().slice(0, 8)}`, clerk.password).expect(401);
      expect(right.body).to.deep.equal(wrong.body);
      expect(right.body.error.message).to.equal(unknown.body.error.message);
      expect(right.headers['www-authenticate']).to.equal(wrong.headers['www-authenticate']);
    });
  });
});
