import crypto from 'node:crypto';
import { expect } from 'chai';
import { connect, signers } from '@hyperledger/fabric-gateway';
import * as grpc from '@grpc/grpc-js';
import { STAGE_DEADLINES } from '@luohu/domain';
import { signBytes } from '../src/device-client/keys';
import { completeSignatures } from '../src/client/signing-client';
import { KeyVault } from '../src/identity/secrets';
import { fabricIdOf } from '../src/ledger/ledger';
import { deadlineIn } from '../src/shared/working-days';
import { closeFixtures, database } from './monitoring-fixtures';
import { roadApplication } from './support/fixtures';
import { ledgerSetup } from './support/ledger-setup';
import {
  api,
  bearer,
  gatewayUnderTest,
  KeyHoldingUser,
  newKeyHolder,
  newUser,
  testConfig,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';

/** Issue 12: people hold their own key; the gateway prepares and relays their writes and cannot make one for them. */
describe("keys in their holders' hands: enrollment, sign-in by signature, writes signed by their author", function () {
  this.timeout(180_000);
  let g: TestGateway;
  let contractor: TestUser;
  let reader: TestUser; // a custodial clerk, to read the ledger as a bureau member
  let clerk: KeyHoldingUser;
  before(async () => {
    g = await gatewayUnderTest();
    [contractor, reader, clerk] = await Promise.all([
      newUser(g, 'contractor'),
      newUser(g, 'clerk', { custody: 'gateway' }),
      newKeyHolder(g, 'clerk'),
    ]);
  });
  after(closeFixtures);

  const newApplication = async () => {
    const id = uniqueId('P');
    await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201);
    return id;
  };
  const onLedger = async (id: string) =>
    (await api(g).get(`/v1/projects/${id}?source=ledger`).set(bearer(reader)).expect(200)).body;
  const asClerk = (path: string) => api(g).post(path).set('authorization', `Bearer ${clerk.client.sessionToken}`);
  const sign = (holder: KeyHoldingUser, message: string) =>
    signBytes(holder.client.holder.privateKey, Buffer.from(message, 'base64'));

  it("when a key holder reads a record from the ledger, then the gateway reads it with their bureau's read-only identity after checking they may", async () => {
    const id = await newApplication();
    const res = await api(g)
      .get(`/v1/projects/${id}?source=ledger`)
      .set('authorization', `Bearer ${clerk.client.sessionToken}`)
      .expect(200);
    expect(res.body).to.include({ id, status: 'pre_review' });
  });

  it('when a user registered without a password enrolls, then the certificate says they hold the key and the gateway keeps none', async () => {
    const me = await api(g).get('/v1/me').set('authorization', `Bearer ${clerk.client.sessionToken}`).expect(200);
    expect(me.body).to.include({ _id: clerk.username, role: 'clerk', custody: 'own' });
    const row = await (await database()).collection('users').findOne({ _id: clerk.username as never });
    expect(row?.sealedKey).to.equal(null);
    expect(row?.certificate).to.equal(clerk.client.holder.certificate);
  });

  it('when a key holder writes, then the gateway asks for the proposal and the transaction signatures and answers with the receipt of a transaction by them', async () => {
    const id = await newApplication();
    const first = await asClerk(`/v1/projects/${id}/pre-review`).expect(202);
    expect(first.body).to.include({ stage: 'proposal', reference: 'approval.passPreReview' });
    expect(first.headers.location).to.equal(`/v1/transactions/${first.body.transactionId}/proposal-signature`);
    const second = await api(g)
      .post(first.headers.location)
      .send({ signature: await sign(clerk, first.body.message) })
      .expect(200);
    expect(second.body).to.include({ stage: 'transaction', transactionId: first.body.transactionId });
    expect((await onLedger(id)).status).to.equal('pre_review'); // endorsed, not yet committed
    const done = await api(g)
      .post(`/v1/transactions/${first.body.transactionId}/transaction-signature`)
      .send({ signature: await sign(clerk, second.body.message) })
      .expect(201);
    expect(done.body.receipt).to.include({ transactionId: first.body.transactionId, validationCode: 'VALID' });
    expect(done.headers['x-consistency-token']).to.equal(done.body.receipt.blockNumber);
    const project = await onLedger(id);
    expect(project.status).to.equal('department_review');
    expect(project.steps.at(-1).by.id).to.include(`CN=${clerk.username}`);
  });

  it('when the proposal is signed by another key, over another proposal, or twice, then each is refused and nothing is written', async () => {
    const other = await newKeyHolder(g, 'clerk');
    const [id, decoyId] = await Promise.all([newApplication(), newApplication()]);
    const first = await asClerk(`/v1/projects/${id}/pre-review`).expect(202);
    const decoy = await asClerk(`/v1/projects/${decoyId}/pre-review`).expect(202);
    const proposalPath = first.headers.location;
    const byOther = await api(g)
      .post(proposalPath)
      .send({ signature: await sign(other, first.body.message) })
      .expect(401);
    expect(byOther.body.error.code).to.equal('signature_invalid');
    const overDecoy = await api(g)
      .post(proposalPath)
      .send({ signature: await sign(clerk, decoy.body.message) })
      .expect(401);
    expect(overDecoy.body.error.code).to.equal('signature_invalid');
    const signature = await sign(clerk, first.body.message);
    const second = await api(g).post(proposalPath).send({ signature }).expect(200);
    const replayed = await api(g).post(proposalPath).send({ signature }).expect(409);
    expect(replayed.body.error.message).to.match(/awaits its transaction signature/);
    const transactionPath = `/v1/transactions/${first.body.transactionId}/transaction-signature`;
    // A proposal's signature is not a transaction's: the envelope is signed over other bytes.
    expect((await api(g).post(transactionPath).send({ signature }).expect(401)).body.error.code).to.equal(
      'signature_invalid',
    );
    expect((await onLedger(id)).status).to.equal('pre_review');
    await api(g)
      .post(transactionPath)
      .send({ signature: await sign(clerk, second.body.message) })
      .expect(201);
    await api(g)
      .post(transactionPath)
      .send({ signature: await sign(clerk, second.body.message) })
      .expect(404); // done: nothing awaits it
    expect((await onLedger(decoyId)).status).to.equal('pre_review');
  });

  it("when the gateway is taken over (every key it holds signs the proposal; a key written into the user's row), then no pre-review is committed as the key holder", async () => {
    const id = await newApplication();
    const first = await asClerk(`/v1/projects/${id}/pre-review`).expect(202);
    const db = await database();
    const vault = new KeyVault(testConfig().keyEncryptionKey);
    const held = await db
      .collection<{ _id: string; sealedKey: string | null }>('users')
      .find({ sealedKey: { $ne: null } })
      .toArray();
    expect(held.length).to.be.greaterThan(3);
    const keys = held.map((u) => vault.open(u._id, u.sealedKey!));
    for (const key of keys) {
      const forged = crypto.sign('sha256', Buffer.from(first.body.message, 'base64'), key).toString('base64');
      expect((await api(g).post(first.headers.location).send({ signature: forged })).status).to.equal(401);
    }
    // Past the gateway's own check, straight at a peer: the peer refuses a proposal whose signature is not the certificate's key.
    const { connection } = testConfig();
    const org = connection.orgs.find((o) => o.name === 'housing')!;
    const peer = org.peers[0];
    const client = new grpc.Client(peer.endpoint, grpc.credentials.createSsl(Buffer.from(org.tlsRootCert)), {
      'grpc.ssl_target_name_override': peer.hostnameOverride,
    });
    const gateway = connect({
      client,
      identity: { mspId: org.mspId, credentials: Buffer.from(clerk.client.holder.certificate) },
      signer: signers.newPrivateKeySigner(keys[0]),
    });
    try {
      const contract = gateway.getNetwork(connection.channel).getContract(connection.chaincode, 'approval');
      let refused: unknown;
      await contract
        .submitTransaction('passPreReview', id, deadlineIn(STAGE_DEADLINES.departmentReview))
        .catch((err) => {
          refused = err;
        });
      expect(String((refused as Error | undefined)?.message)).to.match(/signature|creator|access denied|endorse/i);
    } finally {
      gateway.close();
      client.close();
    }
    // A key written into the holder's row: the gateway now "holds" a key, but not the one their certificate certifies.
    const planted = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await db.collection('users').updateOne(
      { _id: clerk.username as never },
      {
        $set: { sealedKey: vault.seal(clerk.username, planted.export({ type: 'pkcs8', format: 'pem' }).toString()) },
      },
    );
    const setup = await ledgerSetup();
    try {
      let refused: unknown;
      await setup
        .submitAs(clerk.username, 'approval', 'passPreReview', [id, deadlineIn(STAGE_DEADLINES.departmentReview)])
        .catch((err) => {
          refused = err;
        });
      expect(refused, 'a transaction signed with the planted key').to.be.instanceOf(Error);
      // Nor as a colleague whose key it does hold: the chaincode refuses personal acts to custodial identities.
      let custodial: unknown;
      await setup
        .submitAs(reader.username, 'approval', 'passPreReview', [id, deadlineIn(STAGE_DEADLINES.departmentReview)])
        .catch((err) => {
          custodial = err;
        });
      expect(String((custodial as Error | undefined)?.message)).to.match(
        /approval.passPreReview is a personal act and must be signed with its author's own key/,
      );
    } finally {
      await db.collection('users').updateOne({ _id: clerk.username as never }, { $set: { sealedKey: null } });
      await setup.close();
    }
    expect((await onLedger(id)).status).to.equal('pre_review');
  });

  it('when a key holder retries with the same Idempotency-Key, then the first receipt is answered without signing again; with respond-async the last signature answers 202', async () => {
    const id = await newApplication();
    const key = crypto.randomUUID();
    const done = await clerk.client.request('POST', `/v1/projects/${id}/pre-review`, undefined, {
      'Idempotency-Key': key,
    });
    expect(done.status).to.equal(201);
    const again = await asClerk(`/v1/projects/${id}/pre-review`).set('Idempotency-Key', key).expect(201);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body.receipt).to.deep.equal(done.body.receipt);

    const later = await newApplication();
    const accepted = await clerk.client.request('POST', `/v1/projects/${later}/pre-review`, undefined, {
      Prefer: 'respond-async',
    });
    expect(accepted.status).to.equal(202);
    expect(accepted.headers.get('location')).to.equal(`/v1/operations/${accepted.body.operationId}`);
  });

  it('when an admin binds the seal of a key holder, then the ledger names the identity the chaincode derives from their certificate', async () => {
    const setup = await ledgerSetup();
    try {
      // The gateway computes a holder's Fabric identity instead of asking the chaincode as them: the two agree.
      const asked = (await setup.evaluateAs(reader.username, 'registry', 'whoAmI', [])) as { id: string };
      const row = await (
        await database()
      )
        .collection<{ _id: string; certificate: string }>('users')
        .findOne({ _id: reader.username });
      expect(fabricIdOf(row!.certificate)).to.equal(asked.id);
    } finally {
      await setup.close();
    }
    const admin = await newUser(g, 'admin');
    const bound = await api(g)
      .post('/v1/seal-certificates')
      .set(bearer(admin))
      .send({ holder: clerk.username, label: '王敏 电子印章' })
      .expect(201);
    expect(bound.body.result).to.include({
      holderMsp: 'HousingMSP',
      holderId: fabricIdOf(clerk.client.holder.certificate),
    });
  });

  it('when a contractor who holds their key uploads application files and applies, then each anchoring and the application are signed by them', async () => {
    const applicant = await newKeyHolder(g, 'contractor');
    const kinds = [
      'application_form',
      'budget_estimate',
      'feasibility_study',
      'land_use_permit',
      'traffic_impact_assessment',
    ];
    const files = [];
    for (const kind of kinds) {
      const first = await api(g)
        .post('/v1/uploads')
        .set('authorization', `Bearer ${applicant.client.sessionToken}`)
        .attach('file', Buffer.from(`${applicant.username} ${kind}`), {
          filename: `${kind}.pdf`,
          contentType: 'application/pdf',
        })
        .expect(202);
      expect(first.body).to.include({ stage: 'proposal', reference: 'approval.anchorApplicationFile' });
      const done = await completeSignatures(g.url, applicant.client.holder, {
        status: 202,
        headers: new Headers(),
        body: first.body,
      });
      // The last signature answers as a custodial applicant's upload does: the file, anchored for the company.
      expect(done.status, JSON.stringify(done.body)).to.equal(201);
      expect(done.body).to.include({ sha256: first.body.sha256, anchoredFor: applicant.company });
      expect(done.body.receipt.transactionId).to.match(/^[0-9a-f]{64}$/);
      files.push({ kind, sha256: first.body.sha256 as string });
    }
    const again = await api(g)
      .post('/v1/uploads')
      .set('authorization', `Bearer ${applicant.client.sessionToken}`)
      .attach('file', Buffer.from(`${applicant.username} application_form`), {
        filename: 'again.pdf',
        contentType: 'application/pdf',
      })
      .expect(200);
    expect(again.body).to.include({ sha256: files[0].sha256, anchoredFor: applicant.company });
    const id = uniqueId('P');
    const applied = await applicant.client.request('POST', '/v1/projects', {
      id,
      name: '翠竹路人行道改造',
      type: 'road',
      budget: 90_000_000,
      location: { address: '翠竹路', lat: 22.56, lng: 114.13 },
      files,
    });
    expect(applied.status, JSON.stringify(applied.body)).to.equal(201);
    expect(applied.body.result).to.include({ id, contractorId: applicant.company });
    expect(applied.body.result.autoCheck.passed).to.equal(true);
  });

  describe('sign-in by signature', () => {
    const challenge = async (username: string) =>
      (await api(g).post('/v1/sessions/challenges').send({ username }).expect(201)).body.challenge as string;
    const message = (username: string, c: string) => Buffer.from(`luohu-sign-in\n${username}\n${c}`);

    it('when the challenge is signed by the holder, then a session; used again, signed by another key, or for another user, then 401', async () => {
      const c = await challenge(clerk.username);
      const signature = await signBytes(clerk.client.holder.privateKey, message(clerk.username, c));
      await api(g).post('/v1/sessions').send({ username: clerk.username, challenge: c, signature }).expect(201);
      await api(g).post('/v1/sessions').send({ username: clerk.username, challenge: c, signature }).expect(401); // spent
      const other = await newKeyHolder(g, 'reviewer', { dept: 'transport' });
      const c2 = await challenge(clerk.username);
      const byOther = await signBytes(other.client.holder.privateKey, message(clerk.username, c2));
      await api(g)
        .post('/v1/sessions')
        .send({ username: clerk.username, challenge: c2, signature: byOther })
        .expect(401);
      const c3 = await challenge(other.username);
      const forOther = await signBytes(other.client.holder.privateKey, message(other.username, c3));
      await api(g)
        .post('/v1/sessions')
        .send({ username: clerk.username, challenge: c3, signature: forOther })
        .expect(401);
    });

    it('when a custodial user signs a challenge with the key the gateway holds for them, then it is refused: they sign in by password', async () => {
      const row = await (
        await database()
      )
        .collection<{ _id: string; sealedKey: string }>('users')
        .findOne({ _id: reader.username });
      const key = new KeyVault(testConfig().keyEncryptionKey).open(reader.username, row!.sealedKey);
      const c = await challenge(reader.username);
      const signature = crypto.sign('sha256', message(reader.username, c), key).toString('base64');
      await api(g).post('/v1/sessions').send({ username: reader.username, challenge: c, signature }).expect(401);
    });
  });
});
