import { expect } from 'chai';
import crypto from 'node:crypto';
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { CertificateAuthority } from '../src/identity/certificate-authority';
import { IdentityService } from '../src/identity/identity-service';
import type { SigningUser } from '../src/ledger/ledger';
import { createLogger } from '../src/platform/logger';
import {
  api,
  ADMIN_PASSWORD,
  bearer,
  gatewayUnderTest,
  login,
  newUser,
  TestGateway,
  testConfig,
  TestUser,
} from './support/gateway';
import { ledgerSetup } from './support/ledger-setup';

const SIGN_IN_REFUSED = { code: 'unauthorized', message: 'unknown user or wrong password' };
const SESSION_ENDED = { code: 'unauthorized', message: 'session expired or unknown' };

/** Fabric's identity string for a certificate, as the chaincode's ctx.clientIdentity.getID() makes it: x509::<subject>::<issuer>. */
const fabricId = (pem: string) => {
  const cert = new crypto.X509Certificate(pem);
  const dn = (name: string) => `/${name.split('\n').join('/')}`;
  return `x509::${dn(cert.subject)}::${dn(cert.issuer)}`;
};

describe('gateway identities', function () {
  this.timeout(60_000);
  let g: TestGateway;
  before(async () => {
    g = await gatewayUnderTest();
  });

  /** The user's own CA-issued certificate and key, as the gateway holds them (the same vault, on its database). */
  async function ownKeys(user: TestUser): Promise<SigningUser> {
    const config = testConfig();
    return new IdentityService(
      g.connection,
      new CertificateAuthority(config.connection),
      config.keyEncryptionKey,
      config.sessionTtlMs,
      createLogger('silent'),
    ).signer(user.username);
  }

  it('when a bureau admin registers a clerk, then the clerk signs in and the chaincode sees the role from the CA certificate', async () => {
    const clerk = await newUser(g, 'clerk', { dept: 'housing', custody: 'gateway' }); // signs in with the password it was registered with
    const me = await api(g).get('/v1/me').set(bearer(clerk)).expect(200);
    expect(me.body).to.include({ _id: clerk.username, role: 'clerk', mspId: 'HousingMSP', dept: 'housing' });
    // The chaincode's own view of the caller (registry.whoAmI: the MSP, and the role and dept attributes of the certificate).
    const { certificate } = await ownKeys(clerk);
    const setup = await ledgerSetup();
    try {
      const seen = await setup.evaluateAs(clerk.username, 'registry', 'whoAmI', []);
      expect(seen).to.deep.equal({ mspId: 'HousingMSP', id: fabricId(certificate), role: 'clerk', dept: 'housing' });
      expect(fabricId(certificate)).to.match(new RegExp(`^x509::/OU=client/CN=${clerk.username}::`));
    } finally {
      await setup.close();
    }
  });

  it('when the password is wrong or the user unknown, then sign-in answers 401 with the same message', async () => {
    const wrong = await api(g)
      .post('/v1/sessions')
      .send({ username: 'admin.housing', password: 'not-the-password' })
      .expect(401);
    const unknown = await api(g)
      .post('/v1/sessions')
      .send({ username: `nobody-${crypto.randomUUID()}`, password: 'x' })
      .expect(401);
    expect(wrong.body.error).to.deep.equal(SIGN_IN_REFUSED);
    expect(unknown.body.error).to.deep.equal(SIGN_IN_REFUSED);
  });

  it('when a clerk tries to register a user, then it is refused with 403 and no user is created', async () => {
    const clerk = await newUser(g, 'clerk');
    const username = `shadow-${crypto.randomUUID().slice(0, 8)}`;
    const attempt = {
      username,
      password: `pw-${crypto.randomUUID()}`,
      role: 'reviewer',
      dept: 'housing',
      displayName: 'x',
    };
    const refused = await api(g).post('/v1/users').set(bearer(clerk)).send(attempt).expect(403);
    expect(refused.body.error).to.deep.equal({
      code: 'forbidden',
      message: 'this action needs role admin; you are clerk',
    });
    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    await api(g).get(`/v1/users/${username}`).set('authorization', `Bearer ${admin}`).expect(404);
    // Nothing of it anywhere, the CA included: the name is still free there (the CA refuses an identity registered twice).
    const registered = await api(g).post('/v1/users').set('authorization', `Bearer ${admin}`).send(attempt);
    expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
    expect(registered.body).to.include({ _id: username, role: 'reviewer', dept: 'housing', mspId: 'HousingMSP' });
  });

  it('when a user is revoked, then their sessions end, they cannot sign in, and the CA refuses them', async () => {
    const inspector = await newUser(g, 'inspector', { custody: 'gateway' });
    const keys = await ownKeys(inspector);
    const housing = testConfig().connection.orgs.find((o) => o.mspId === 'HousingMSP')!;
    const ca = new FabricCAServices(
      housing.ca.url,
      { trustedRoots: [housing.ca.tlsRootCert], verify: true },
      housing.ca.caName,
    );
    // Re-enrolling authenticates with the certificate and key the CA issued: accepted while the identity stands.
    const reenroll = () =>
      ca.reenroll(
        User.createUser(
          inspector.username,
          '',
          keys.mspId,
          keys.certificate,
          keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        ),
        [],
      );
    expect((await reenroll()).certificate).to.include('BEGIN CERTIFICATE');

    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    const res = await api(g)
      .post(`/v1/users/${inspector.username}/revocation`)
      .set('authorization', `Bearer ${admin}`)
      .send({ reason: 'left the bureau' })
      .expect(200);
    expect(res.body).to.include({ _id: inspector.username, status: 'revoked' });
    expect((await api(g).get('/v1/me').set(bearer(inspector)).expect(401)).body.error).to.deep.equal(SESSION_ENDED);
    expect(
      (
        await api(g)
          .post('/v1/sessions')
          .send({ username: inspector.username, password: inspector.password })
          .expect(401)
      ).body.error,
    ).to.deep.equal(SIGN_IN_REFUSED);
    const refused = await reenroll().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(refused?.message, "the CA's answer to re-enrolling with the revoked certificate").to.equal(
      "fabric-ca request reenroll failed with errors [[ { code: 20, message: 'Authentication failure' } ]]",
    );
    const again = await api(g)
      .post(`/v1/users/${inspector.username}/revocation`)
      .set('authorization', `Bearer ${admin}`)
      .send({ reason: 'again' })
      .expect(409);
    expect(again.body.error).to.deep.equal({
      code: 'conflict',
      message: `user ${inspector.username} is already revoked`,
    });
  });

  it('when an admin of another bureau tries to revoke a Housing user, then it is refused', async () => {
    const clerk = await newUser(g, 'clerk');
    const financeAdmin = await login(g, 'admin.finance', ADMIN_PASSWORD);
    const refused = await api(g)
      .post(`/v1/users/${clerk.username}/revocation`)
      .set('authorization', `Bearer ${financeAdmin}`)
      .send({ reason: 'not mine' })
      .expect(403);
    expect(refused.body.error).to.deep.equal({
      code: 'forbidden',
      message: 'only an admin of HousingMSP revokes its users',
    });
    await api(g).get('/v1/me').set(bearer(clerk)).expect(200);
  });

  it('when a registration body has an unknown field or a short password, then it answers 400 naming the field', async () => {
    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    const register = (body: Record<string, unknown>) =>
      api(g).post('/v1/users').set('authorization', `Bearer ${admin}`).send(body).expect(400);
    const valid = {
      username: `valid-${crypto.randomUUID().slice(0, 8)}`,
      password: `pw-${crypto.randomUUID()}`,
      role: 'clerk',
      dept: 'housing',
      displayName: 'x',
    };
    const invalid = { code: 'invalid_request', message: 'the request body is not valid' };
    expect((await register({ ...valid, extra: 1 })).body.error).to.deep.equal({
      ...invalid,
      details: [{ path: 'body', message: 'Unrecognized key: "extra"' }],
    });
    expect((await register({ ...valid, password: 'short' })).body.error).to.deep.equal({
      ...invalid,
      details: [{ path: 'body.password', message: 'at least 12 characters' }],
    });
  });
});
