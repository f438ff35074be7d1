import crypto from 'node:crypto';
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { EndorseError } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';
import { connectAs, EnrolledUser, orgByMsp, peerClient } from '../../network/src/client';
import { CertificateAuthority } from '../src/identity/certificate-authority';
import { ChannelRevocation, certificateSerial } from '../src/identity/channel-revocation';
import { IdentityService } from '../src/identity/identity-service';
import { createLogger } from '../src/platform/logger';
import {
  ADMIN_PASSWORD,
  api,
  gatewayUnderTest,
  login,
  newUser,
  TestGateway,
  testConfig,
  TestUser,
} from './support/gateway';

describe('revocation reaches the peers', function () {
  this.timeout(120_000);
  let g: TestGateway;
  let client: grpc.Client;
  let config: ReturnType<typeof testConfig>;
  let description: ReturnType<typeof testConfig>['connection'];
  let housingAdmin: { mspId: string; certificate: string; privateKeyPem: string };
  // The same use case and key vault as the gateway under test, on its database: to read a user's own CA-issued key.
  const identities = (channel?: ChannelRevocation) =>
    new IdentityService(
      g.connection,
      new CertificateAuthority(description),
      config.keyEncryptionKey,
      config.sessionTtlMs,
      createLogger('silent'),
      channel,
    );

  before(async () => {
    g = await gatewayUnderTest();
    config = testConfig(); // read once the suite's network is up
    description = config.connection;
    const housing = orgByMsp(description, 'HousingMSP');
    housingAdmin = {
      mspId: housing.mspId,
      certificate: fs.readFileSync(housing.admin.certFile, 'utf8'),
      privateKeyPem: fs.readFileSync(housing.admin.keyFile, 'utf8'),
    };
    client = peerClient(housing);
  });
  after(() => client?.close());

  async function ownKeys(user: TestUser): Promise<EnrolledUser> {
    const signer = await identities().signer(user.username);
    return {
      mspId: signer.mspId,
      enrollmentId: user.username,
      certificate: signer.certificate,
      privateKey: signer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }

  /** Submits an anchor straight to the Housing peer with @hyperledger/fabric-gateway, signed by `user` (not through our gateway). */
  async function anchorDirectly(user: EnrolledUser): Promise<void> {
    const gateway = connectAs(user, client);
    try {
      const batchId = `revocation-test-${crypto.randomUUID()}`;
      const contract = gateway.getNetwork(description.channel).getContract(description.chaincode, 'anchor');
      const commit = await contract.submitAsync('anchorBatch', {
        arguments: [batchId, crypto.createHash('sha256').update(batchId).digest('hex'), '1', 'photos'],
      });
      expect((await commit.getStatus()).successful).to.equal(true);
    } finally {
      gateway.close();
    }
  }

  async function revoke(admin: string, username: string) {
    return api(g)
      .post(`/v1/users/${username}/revocation`)
      .set('authorization', `Bearer ${admin}`)
      .send({ reason: 'left the bureau' });
  }

  it('when a user is revoked through the API, then peers refuse a transaction signed with their own key, a colleague still submits, and the channel lists the CRL', async () => {
    const leaver = await newUser(g, 'inspector', { custody: 'gateway' });
    const colleague = await newUser(g, 'inspector', { custody: 'gateway' });
    const leaverKeys = await ownKeys(leaver);
    const colleagueKeys = await ownKeys(colleague);
    await anchorDirectly(leaverKeys); // the key works before the revocation

    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    const res = await revoke(admin, leaver.username);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);

    const refused = await anchorDirectly(leaverKeys).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(EndorseError);
    expect(JSON.stringify((refused as EndorseError).details)).to.match(/access denied|creator/i);
    await anchorDirectly(colleagueKeys);

    const onChannel = await new ChannelRevocation(description).revokedOnChannel(housingAdmin);
    expect(onChannel.has(certificateSerial(leaverKeys.certificate))).to.equal(true);
    expect(onChannel.has(certificateSerial(colleagueKeys.certificate))).to.equal(false);
  });

  it('when two users of a bureau are revoked at the same moment, then both answers are 200 and the channel lists both certificates', async () => {
    const leavers = [
      await newUser(g, 'clerk', { custody: 'gateway' }),
      await newUser(g, 'reviewer', { custody: 'gateway' }),
    ];
    const certificates = await Promise.all(leavers.map(async (u) => (await ownKeys(u)).certificate));
    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    const answers = await Promise.all(leavers.map((u) => revoke(admin, u.username)));
    expect(
      answers.map((r) => r.status),
      JSON.stringify(answers.map((r) => r.body)),
    ).to.deep.equal([200, 200]);
    const onChannel = await new ChannelRevocation(description).revokedOnChannel(housingAdmin);
    expect(certificates.map((c) => onChannel.has(certificateSerial(c)))).to.deep.equal([true, true]);
  });

  it('when publishing the CRL fails, then the revocation stands, the answer says so, and revoking again publishes it', async () => {
    const leaver = await newUser(g, 'clerk', { custody: 'gateway' });
    const leaverKeys = await ownKeys(leaver);
    const unreachable = {
      ...description,
      orderers: description.orderers.map((o) => ({ ...o, endpoint: '127.0.0.1:1' })),
    };
    const failed = await identities(new ChannelRevocation(unreachable))
      .revoke({ _id: 'admin.housing' }, leaver.username, 'left the bureau')
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failed).to.include({ status: 502, code: 'revocation_not_published' });
    expect((failed as Error).message).to.match(/revoked at HousingMSP's CA.*peers still accept/);

    const admin = await login(g, 'admin.housing', ADMIN_PASSWORD);
    expect(
      (await api(g).get(`/v1/users/${leaver.username}`).set('authorization', `Bearer ${admin}`).expect(200)).body
        .status,
    ).to.equal('revoked');
    await api(g).post('/v1/sessions').send({ username: leaver.username, password: 'irrelevant' }).expect(401);
    expect(
      (await new ChannelRevocation(description).revokedOnChannel(housingAdmin)).has(
        certificateSerial(leaverKeys.certificate),
      ),
    ).to.equal(false);

    const retried = await revoke(admin, leaver.username);
    expect(retried.status, JSON.stringify(retried.body)).to.equal(200);
    expect(
      (await new ChannelRevocation(description).revokedOnChannel(housingAdmin)).has(
        certificateSerial(leaverKeys.certificate),
      ),
    ).to.equal(true);
    expect((await revoke(admin, leaver.username)).status).to.equal(409);
  });
});
