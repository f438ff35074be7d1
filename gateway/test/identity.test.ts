import { expect } from 'chai';
import crypto from 'node:crypto';
import { api, ADMIN_PASSWORD, bearer, gatewayUnderTest, login, newUser, TestGateway } from './support/gateway';

describe('gateway identities', function () {
  this.timeout(60_000);
  let g: TestGateway;
  before(async () => { g = await gatewayUnderTest(); });

  it('when a bureau admin registers a clerk, then the clerk signs in and the chaincode sees the role from the CA certificate', async () => {
    const clerk = await newUser(g, 'clerk', { dept: 'housing' });
    const me = await api(g).get('/v1/me').set(bearer(clerk)).expect(200);
    expect(me.body).to.include({ _id: clerk.username, role: 'clerk', mspId: 'HousingMSP', dept: 'housing' });
  });

  it('when the password is wrong or the user unknown, then sign-in answers 401 with the same message', async () => {
    const wrong = await api(g).post('/v1/sessions').send({ username: 'admin.housing', password: 'not-the-password' }).expect(401);
    const unknown = await api(g).post('/v1/sessions').send({ username: `nobody-${crypto.randomUUID()}`, password: 'x' }).expect(401);
    expect(wrong.body.error.message).to.equal(unknown.body.error.message);
  });

  it('when a clerk tries to register a user, then it is refused with 403 and no user is created', async () => {
    const clerk = await newUser(g, 'clerk');
    const username = `shadow-${crypto.randomUUID().slice(0, 8)}`;
    await api(g).post('/v1/users').set(bearer(clerk)).send({ username, password: 'long-enough-password', role: 'director', displayName: 'x' }).expect(403);
    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    await api(g).get(`/v1/users/${username}`).set('authorization', `Bearer ${admin}`).expect(404);
  });

  it('when a user is revoked, then their sessions end, they cannot sign in, and the CA refuses them', async () => {
    const inspector = await newUser(g, 'inspector');
    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    const res = await api(g).post(`/v1/users/${inspector.username}/revocation`).set('authorization', `Bearer ${admin}`).send({ reason: 'left the bureau' }).expect(200);
    expect(res.body.status).to.equal('revoked');
    await api(g).get('/v1/me').set(bearer(inspector)).expect(401);
    await api(g).post(`/v1/users/${inspector.username}/revocation`).set('authorization', `Bearer ${admin}`).send({ reason: 'again' }).expect(409);
  });

  it('when an admin of another bureau tries to revoke a Housing user, then it is refused', async () => {
    const clerk = await newUser(g, 'clerk');
    const financeAdmin = await login(g, 'admin.finance', ADMIN_PASSWORD);
    await api(g).post(`/v1/users/${clerk.username}/revocation`).set('authorization', `Bearer ${financeAdmin}`).send({ reason: 'not mine' }).expect(403);
    await api(g).get('/v1/me').set(bearer(clerk)).expect(200);
  });

  it('when a registration body has an unknown field or a short password, then it answers 400 naming the field', async () => {
    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    const res = await api(g).post('/v1/users').set('authorization', `Bearer ${admin}`).send({ username: 'valid-name', password: 'short', role: 'clerk', displayName: 'x', extra: 1 }).expect(400);
    expect(JSON.stringify(res.body.error.details)).to.match(/password|extra/);
  });
});
