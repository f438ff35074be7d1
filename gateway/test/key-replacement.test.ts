import fs from 'node:fs';
import { expect } from 'chai';
import { orgByMsp } from '../../network/src/client';
import { SigningClient, signIn } from '../src/client/signing-client';
import { ChannelRevocation, certificateSerial } from '../src/identity/channel-revocation';
import { closeFixtures, database } from './monitoring-fixtures';
import { roadApplication } from './support/fixtures';
import {
  adminToken,
  api,
  bearer,
  gatewayUnderTest,
  newUser,
  rawApi,
  testConfig,
  TestGateway,
  uniqueId,
} from './support/gateway';

/** Issue 12: "a lost device: the admin revokes the certificate and issues a new code". */
describe('a new enrollment code: a lost device, or a custodial user who is to hold their own key', function () {
  this.timeout(180_000);
  let g: TestGateway;
  let housingAdmin: { mspId: string; certificate: string; privateKeyPem: string };
  before(async () => {
    g = await gatewayUnderTest();
    const housing = orgByMsp(testConfig().connection, 'HousingMSP');
    housingAdmin = {
      mspId: housing.mspId,
      certificate: fs.readFileSync(housing.admin.certFile, 'utf8'),
      privateKeyPem: fs.readFileSync(housing.admin.keyFile, 'utf8'),
    };
  });
  after(closeFixtures);

  const newCode = async (username: string, org = 'housing') =>
    rawApi(g)
      .post(`/v1/users/${username}/enrollment-codes`)
      .set('authorization', `Bearer ${await adminToken(g, org)}`)
      .send({ reason: 'device lost' });
  const onChannel = async (certificate: string) =>
    (await new ChannelRevocation(testConfig().connection).revokedOnChannel(housingAdmin)).has(
      certificateSerial(certificate),
    );

  it('when a key holder loses their device, then the old key can no longer sign in, its certificate is on the channel CRL, and a key made on a new device writes as them', async () => {
    const [clerk, contractor] = await Promise.all([newUser(g, 'clerk'), newUser(g, 'contractor')]);
    const lost = clerk.client!;
    const id = uniqueId('P');
    await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201);

    const issued = await newCode(clerk.username);
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    expect(issued.body.enrollment.code).to.match(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(await onChannel(lost.holder.certificate)).to.equal(true);
    // The old session ended and the old key signs in no more (the user's certificate is gone until the new enrollment).
    await rawApi(g).get('/v1/me').set('authorization', `Bearer ${lost.sessionToken}`).expect(401);
    const oldSignIn = await signIn(g.url, lost.holder).catch((err: Error) => err);
    expect(oldSignIn).to.be.instanceOf(Error);

    const replaced = await SigningClient.enroll(g.url, clerk.username, issued.body.enrollment.code);
    expect(replaced.holder.certificate).to.not.equal(lost.holder.certificate);
    const me = await replaced.request('GET', '/v1/me');
    expect(me.body).to.include({ _id: clerk.username, custody: 'own' });
    const reviewed = await replaced.request('POST', `/v1/projects/${id}/pre-review`);
    expect(reviewed.status, JSON.stringify(reviewed.body)).to.equal(201);
    expect(reviewed.body.result.steps.at(-1).by.id).to.include(`CN=${clerk.username}.`);
    // The same code twice: the CA and the gateway refuse it.
    const again = await SigningClient.enroll(g.url, clerk.username, issued.body.enrollment.code).catch(
      (err: Error) => err,
    );
    expect(String(again)).to.match(/409 enrollment_code_used/);
  });

  it('when a custodial user gets a code, then the gateway deletes its copy of their key and they sign in only with the key they made', async () => {
    const director = await newUser(g, 'director', { custody: 'gateway' });
    const before = await (await database()).collection('users').findOne({ _id: director.username as never });
    expect(before?.sealedKey).to.be.a('string');

    const issued = await newCode(director.username);
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    const after = await (await database()).collection('users').findOne({ _id: director.username as never });
    expect(after).to.include({ sealedKey: null, certificate: null });
    await rawApi(g).post('/v1/sessions').send({ username: director.username, password: director.password }).expect(401);

    const holder = await SigningClient.enroll(g.url, director.username, issued.body.enrollment.code);
    expect((await holder.request('GET', '/v1/me')).body).to.include({ custody: 'own', role: 'director' });
  });

  it('when an admin of another bureau, a device or an unknown user is named, then it is refused and nothing changes', async () => {
    const clerk = await newUser(g, 'clerk');
    const fromFinance = await newCode(clerk.username, 'finance');
    expect(fromFinance.status).to.equal(403);
    await rawApi(g).get('/v1/me').set(bearer(clerk)).expect(200);
    expect((await newCode(`nobody-${uniqueId('u')}`)).status).to.equal(404);
  });
});
