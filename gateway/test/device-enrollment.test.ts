import crypto from 'node:crypto';
import { expect } from 'chai';
import { x509 } from '../src/platform/x509';
import { DeviceRequestError, enroll } from '../src/device-client/device-client';
import { certificateRequest, exportPrivateKey, newKeyPair } from '../src/device-client/keys';
import { closeFixtures, database, registerDevice } from './monitoring-fixtures';
import FabricCAServices from 'fabric-ca-client';
import { adminToken, api, gatewayUnderTest, testConfig, TestGateway } from './support/gateway';

/** Finding 16: a device makes its own key and enrolls it with a one-time code; the gateway never holds a device key. */
describe('devices enroll their own key with a one-time code', function () {
  this.timeout(90_000);
  let g: TestGateway;
  before(async () => {
    g = await gatewayUnderTest();
  });
  after(closeFixtures);

  const enrollment = (body: object) => api(g).post('/v1/enrollments').send(body);

  it('when an admin registers a device, then the answer carries a one-time code, a password is refused, and the device cannot sign in', async () => {
    const device = await registerDevice(g);
    expect(device.code).to.match(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(Date.parse(device.expiresAt)).to.be.greaterThan(Date.now() + 24 * 3_600_000);
    const admin = { authorization: `Bearer ${await adminToken(g, 'housing')}` };
    const withPassword = await api(g)
      .post('/v1/users')
      .set(admin)
      .send({
        username: `device-${crypto.randomUUID().slice(0, 8)}`,
        role: 'device',
        password: 'a-long-enough-password-1',
        displayName: 'cam',
      })
      .expect(400);
    expect(withPassword.body.error.message).to.match(/device has no password/);
    await api(g).post('/v1/sessions').send({ username: device.username, password: device.code }).expect(401);
  });

  it('when the device sends its certificate request with the code, then the CA certifies its own key and the database holds no private key of it', async () => {
    const { username, code } = await registerDevice(g);
    const keys = await newKeyPair(true); // extractable here only so that the test can look for it in the database
    const certificate = await enroll(g.url, username, code, keys);
    const issued = new x509.X509Certificate(certificate);
    expect(issued.subjectName.getField('CN')).to.deep.equal([username]);
    const publicKey = Buffer.from(await crypto.webcrypto.subtle.exportKey('spki', keys.publicKey));
    expect(Buffer.from(issued.publicKey.rawData).equals(publicKey)).to.equal(true);
    expect(certificate).to.include('-----BEGIN CERTIFICATE-----');

    const db = await database();
    const user = await db.collection('users').findOne({ _id: username as never });
    expect(user).to.include({ certificate });
    expect(user?.sealedKey ?? null).to.equal(null);
    // Whatever the gateway stored anywhere, the device's private scalar is not in it.
    const jwk = await crypto.webcrypto.subtle.exportKey('jwk', keys.privateKey);
    const secretForms = [
      jwk.d!,
      Buffer.from(jwk.d!, 'base64url').toString('base64'),
      Buffer.from(jwk.d!, 'base64url').toString('hex'),
      (await exportPrivateKey(keys.privateKey)).split('\n')[1],
    ];
    for (const { name } of await db.listCollections()) {
      const dump = JSON.stringify(await db.collection(name).find({}).toArray());
      for (const secret of secretForms) expect(dump.includes(secret), `${name} holds the device key`).to.equal(false);
    }
  });

  it('when a used code is sent again, even with a new key, then it is refused with 409 and no second certificate is issued', async () => {
    const { username, code } = await registerDevice(g);
    const first = await enroll(g.url, username, code, await newKeyPair());
    const again = await enrollment({
      username,
      code,
      csr: await certificateRequest(await newKeyPair(), username),
    }).expect(409);
    expect(again.body.error.code).to.equal('enrollment_code_used');
    const user = await (await database()).collection('users').findOne({ _id: username as never });
    expect(user?.certificate).to.equal(first);
  });

  it('when the code has lapsed, then it is refused with 410, nothing is certified, and the code is no use at the CA directly', async () => {
    const { username, code } = await registerDevice(g);
    await (
      await database()
    )
      .collection('enrollment_codes')
      .updateOne({ username }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const csr = await certificateRequest(await newKeyPair(), username);
    const res = await enrollment({ username, code, csr }).expect(410);
    expect(res.body.error.code).to.equal('enrollment_code_expired');
    expect((await (await database()).collection('users').findOne({ _id: username as never }))?.certificate).to.equal(
      null,
    );
    // Past the gateway, straight to the bureau's CA with the code as the secret: the CA holds another secret.
    const housing = testConfig().connection.orgs.find((o) => o.mspId === 'HousingMSP')!;
    const ca = new FabricCAServices(
      housing.ca.url,
      { trustedRoots: [housing.ca.tlsRootCert], verify: true },
      housing.ca.caName,
    );
    let refused: Error | undefined;
    await ca.enroll({ enrollmentID: username, enrollmentSecret: code, csr }).catch((err: Error) => {
      refused = err;
    });
    expect(refused?.message).to.match(/Authentication failure|authentication/i);
  });

  it('when the request was altered after signing, names another identity or the code is unknown, then it is refused and the code stays usable', async () => {
    const { username, code } = await registerDevice(g);
    const keys = await newKeyPair();
    const csr = await certificateRequest(keys, username);
    // Another subject written over the signed one (same length, so the structure stays valid): the signature no longer covers it.
    const der = Buffer.from(new x509.Pkcs10CertificateRequest(csr).rawData);
    const at = der.indexOf(Buffer.from(username));
    der[at + username.length - 1] ^= 1;
    const tampered = new x509.Pkcs10CertificateRequest(der).toString('pem');
    expect((await enrollment({ username, code, csr: tampered }).expect(400)).body.error.code).to.equal(
      'csr_signature_invalid',
    );
    const other = await certificateRequest(keys, 'device-somebody-else');
    expect((await enrollment({ username, code, csr: other }).expect(400)).body.error.message).to.match(
      /subject must be CN=/,
    );
    await enrollment({ username, code: 'AAAA-AAAA-AAAA-AAAA-AAAA', csr }).expect(401);
    await enrollment({ username, code, csr: 'not a certificate request'.repeat(5) }).expect(400);
    const stranger = await registerDevice(g);
    await enrollment({
      username: stranger.username,
      code,
      csr: await certificateRequest(keys, stranger.username),
    }).expect(401); // not this identity's code
    const certificate = await enroll(g.url, username, code, keys); // every refusal above left the code unused
    expect(certificate).to.include('BEGIN CERTIFICATE');
  });

  it('when a device that has not enrolled sends an alert, then it is refused with 401', async () => {
    const { username } = await registerDevice(g);
    const res = await api(g)
      .post('/v1/alerts')
      .set({ 'X-Device-Id': username, 'X-Device-Signature': 'c2lnbmF0dXJl' })
      .send({
        id: 'SA-x',
        projectId: 'P-x',
        deviceId: username,
        alertType: 'dust',
        observedAt: '2025-03-03T09:15:00+08:00',
        location: { site: 'a', zone: 'b' },
        evidenceSha256: 'a'.repeat(64),
      });
    expect(res.status).to.equal(401);
    expect(DeviceRequestError).to.be.a('function');
  });
});
