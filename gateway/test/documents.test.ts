import crypto from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import {
  api,
  bearer,
  creditCode,
  eventually,
  gatewayUnderTest,
  newUser,
  randomHash,
  testConfig,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const pdf = (label: string) =>
  Buffer.concat([Buffer.from(`%PDF-1.7\n% ${label}\n`), crypto.randomBytes(4096), Buffer.from('\n%%EOF\n')]);

/** A seal (PDF-signing) key pair; the ledger binds the SHA-256 of its SubjectPublicKeyInfo. */
function sealKeys() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: sha(publicKey.export({ type: 'spki', format: 'der' })),
    sign: (bytes: Buffer) => crypto.sign('sha256', bytes, privateKey).toString('base64'),
  };
}

async function upload(g: TestGateway, user: TestUser, bytes: Buffer) {
  const res = await api(g)
    .post('/v1/uploads')
    .set(bearer(user))
    .attach('file', bytes, { filename: '验收报告.pdf', contentType: 'application/pdf' });
  expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
  return res.body as { sha256: string; fileId: string; size: number };
}

describe('documents: registry, anchoring, audit', function () {
  let g: TestGateway;
  let admin: TestUser;
  let clerk: TestUser;
  let otherClerk: TestUser;
  let contractor: TestUser;
  let finance: TestUser;
  let financeAdmin: TestUser;
  let auditor: TestUser;
  const contractorId = uniqueId('CT');
  const projectId = uniqueId('PRJ');
  const seal = sealKeys();
  const financeSeal = sealKeys();
  const v1 = pdf('v1');
  const v2 = pdf('v2');
  const receipts: Record<string, { transactionId: string; blockNumber: string }> = {};

  const anchor = (user: TestUser, bytes: Buffer, extra: Record<string, unknown> = {}, keys = seal) =>
    api(g)
      .post('/v1/documents')
      .set(bearer(user))
      .send({
        sha256: sha(bytes),
        documentType: 'acceptance_report',
        projectId,
        title: '竣工验收报告',
        sealFingerprint: keys.fingerprint,
        signature: keys.sign(bytes),
        signatureAlgorithm: 'RSA-SHA256',
        ...extra,
      });

  before(async function () {
    this.timeout(120_000);
    g = await gatewayUnderTest();
    [admin, clerk, otherClerk, contractor, finance, financeAdmin, auditor] = await Promise.all([
      newUser(g, 'admin'),
      newUser(g, 'clerk'),
      newUser(g, 'clerk'),
      newUser(g, 'contractor'),
      newUser(g, 'finance'),
      newUser(g, 'admin', { org: 'finance' }),
      newUser(g, 'auditor'),
    ]);
  });

  it('when a Housing admin registers a contractor and adds a qualification, then both are on the ledger and in the list', async function () {
    const reg = await api(g)
      .post('/v1/contractors')
      .set(bearer(admin))
      .send({ id: contractorId, name: '深圳罗湖建设工程有限公司', creditCode: creditCode() });
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    receipts.registered = reg.body.receipt;
    const q = await api(g)
      .post(`/v1/contractors/${contractorId}/qualifications`)
      .set(bearer(admin))
      .send({ licenceNo: `${contractorId}-L1`, grade: 'grade1', scope: ['building', 'road'], expiry: '2030-12-31' });
    expect(q.status, JSON.stringify(q.body)).to.equal(201);
    receipts.qualified = q.body.receipt;
    const list = await eventually(
      'contractor listed',
      () =>
        api(g)
          .get('/v1/contractors')
          .query({ licenceNo: `${contractorId}-L1` })
          .set(bearer(clerk)),
      (r) => r.body.items?.length === 1,
    );
    expect(list.body.items[0]).to.include({ id: contractorId, name: '深圳罗湖建设工程有限公司' });
    const byWords = await api(g).get('/v1/contractors').query({ q: '罗湖 建设' }).set(bearer(clerk));
    expect(byWords.body.items.map((c: { id: string }) => c.id)).to.include(contractorId);
  });

  it('when a clerk registers a contractor, or the credit code is malformed, then it is refused', async function () {
    expect(
      (
        await api(g)
          .post('/v1/contractors')
          .set(bearer(clerk))
          .send({ id: uniqueId('CT'), name: '某公司', creditCode: creditCode() })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api(g)
          .post('/v1/contractors')
          .set(bearer(admin))
          .send({ id: uniqueId('CT'), name: '某公司', creditCode: 'IO123' })
      ).status,
    ).to.equal(400);
    expect(
      (
        await api(g)
          .post('/v1/contractors')
          .set(bearer(admin))
          .send({ id: uniqueId('CT'), name: '某公司', creditCode: creditCode(), extra: 1 })
      ).status,
    ).to.equal(400);
  });

  it('when the contractor applies for a project, then documents can be archived under it', async function () {
    const res = await api(g)
      .post('/v1/projects')
      .set(bearer(contractor))
      .send({
        id: projectId,
        name: '罗湖区东门步行街改造',
        type: 'building',
        budget: 50_000_000_00,
        location: { address: '深圳市罗湖区东门', lat: 22.548, lng: 114.122 },
        contractorId: contractor.company,
        files: [{ kind: 'site_plan', sha256: (await upload(g, contractor, pdf('site plan'))).sha256 }],
      });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  it("when a bureau admin binds a seal to a clerk, then the seal carries the clerk's Fabric identity and is listed by holder", async function () {
    const res = await api(g).post('/v1/seal-certificates').set(bearer(admin)).send({
      holder: clerk.username,
      publicKey: seal.publicKeyPem,
      label: '罗湖区住建局经办人电子签章',
      validUntil: '2030-12-31',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.result).to.include({ fingerprint: seal.fingerprint, holderMsp: 'HousingMSP', status: 'active' });
    expect(res.body.result.holderId).to.match(new RegExp(`^x509::.*CN=${clerk.username}`));
    const listed = await eventually(
      'seal listed',
      () => api(g).get('/v1/seal-certificates').query({ holder: clerk.username }).set(bearer(clerk)),
      (r) => r.body.items?.length === 1,
    );
    expect(listed.body.items[0].fingerprint).to.equal(seal.fingerprint);
    const detail = await api(g).get(`/v1/seal-certificates/${seal.fingerprint}`).set(bearer(clerk));
    expect(detail.body).to.include({ holder: clerk.username });
    expect(detail.body.key.pem).to.equal(seal.publicKeyPem);
    const fin = await api(g).post('/v1/seal-certificates').set(bearer(financeAdmin)).send({
      holder: finance.username,
      publicKey: financeSeal.publicKeyPem,
      label: '财政局签章',
      validUntil: '2030-12-31',
    });
    expect(fin.status, JSON.stringify(fin.body)).to.equal(201);
  });

  it("when an admin of another bureau binds a Housing clerk's seal, or a clerk binds one, then it is refused", async function () {
    const other = sealKeys();
    expect(
      (
        await api(g)
          .post('/v1/seal-certificates')
          .set(bearer(financeAdmin))
          .send({ holder: clerk.username, publicKey: other.publicKeyPem, label: 'x', validUntil: '2030-12-31' })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api(g)
          .post('/v1/seal-certificates')
          .set(bearer(clerk))
          .send({ holder: clerk.username, publicKey: other.publicKeyPem, label: 'x', validUntil: '2030-12-31' })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api(g)
          .post('/v1/seal-certificates')
          .set(bearer(admin))
          .send({ holder: clerk.username, publicKey: 'not a key', label: 'x', validUntil: '2030-12-31' })
      ).status,
    ).to.equal(400);
  });

  it('when the clerk anchors an uploaded, signed acceptance report with the seal, then it is archived as version 1', async function () {
    await upload(g, clerk, v1);
    const res = await anchor(clerk, v1);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.receipt).to.include({ validationCode: 'VALID' });
    expect(res.body.result).to.include({
      sha256: sha(v1),
      version: 1,
      status: 'active',
      sealFingerprint: seal.fingerprint,
    });
    receipts.v1 = res.body.receipt;
  });

  it('when the anchored file is verified by its hash, then the detached signature is checked with the seal and only then called valid', async function () {
    const res = await api(g).get(`/v1/verifications/${sha(v1)}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.signatureCheck).to.include({ algorithm: 'RSA-SHA256', checked: true, valid: true });
    expect(res.body.verdict).to.equal('valid');
  });

  it('when a document claims SM2-SM3 with a bogus signature, then anchoring is refused (400) and verification never calls it valid', async function () {
    const bytes = pdf('sm2');
    await upload(g, clerk, bytes);
    const res = await anchor(clerk, bytes, { signatureAlgorithm: 'SM2-SM3', signature: 'AAAA' });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    const check = await api(g).get(`/v1/verifications/${sha(bytes)}`);
    expect(check.status).to.equal(200);
    expect(check.body).to.include({ anchored: false, verdict: 'not_anchored' });
  });

  it('when a refused seal registration names an already registered seal for another holder, then seal_keys is left as it was', async function () {
    const connection = await mongoose.createConnection(testConfig().mongoUrl).asPromise();
    try {
      const keys = connection.db!.collection('seal_keys');
      const before = await keys.findOne({ _id: seal.fingerprint as unknown as mongoose.mongo.ObjectId });
      expect(before, 'the accepted registration is in seal_keys').to.include({ holder: clerk.username });
      const res = await api(g)
        .post('/v1/seal-certificates')
        .set(bearer(admin))
        .send({ holder: otherClerk.username, publicKey: seal.publicKeyPem, label: '冒领', validUntil: '2030-12-31' });
      expect(res.status, JSON.stringify(res.body)).to.equal(409);
      expect(await keys.findOne({ _id: seal.fingerprint as unknown as mongoose.mongo.ObjectId })).to.deep.equal(before);
      const detail = await api(g).get(`/v1/seal-certificates/${seal.fingerprint}`).set(bearer(clerk));
      expect(detail.body).to.include({ holder: clerk.username });
      const refusedNew = sealKeys(); // a seal the ledger never accepted (Housing admin, Finance holder) is not written at all
      expect(
        (
          await api(g).post('/v1/seal-certificates').set(bearer(admin)).send({
            holder: finance.username,
            publicKey: refusedNew.publicKeyPem,
            label: 'x',
            validUntil: '2030-12-31',
          })
        ).status,
      ).to.equal(403);
      expect(await keys.findOne({ _id: refusedNew.fingerprint as unknown as mongoose.mongo.ObjectId })).to.equal(null);
    } finally {
      await connection.close();
    }
  });

  it("when the seal's public key is not held by the gateway, then verification reports the signature unchecked and the verdict unverified, never valid", async function () {
    const connection = await mongoose.createConnection(testConfig().mongoUrl).asPromise();
    const keys = connection.db!.collection('seal_keys');
    const claims = connection.db!.collection('seal_key_claims');
    const id = seal.fingerprint as unknown as mongoose.mongo.ObjectId;
    const saved = await keys.findOne({ _id: id });
    const savedClaims = await claims.find({ fingerprint: seal.fingerprint }).toArray();
    try {
      await keys.deleteOne({ _id: id });
      await claims.deleteMany({ fingerprint: seal.fingerprint });
      const res = await api(g).get(`/v1/verifications/${sha(v1)}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.signatureCheck).to.include({ checked: false, valid: null });
      expect(res.body.verdict).to.equal('unverified');
    } finally {
      await keys.insertOne(saved!);
      if (savedClaims.length > 0) await claims.insertMany(savedClaims);
      await connection.close();
    }
  });

  it('when the file was not uploaded, or the signature does not match the file, then nothing is anchored (422)', async function () {
    const missing = await anchor(clerk, pdf('never uploaded'));
    expect(missing.status).to.equal(422);
    expect(missing.body.error.code).to.equal('file_not_uploaded');
    const other = pdf('other');
    await upload(g, clerk, other);
    const forged = await anchor(clerk, other, { signature: seal.sign(pdf('something else')) });
    expect(forged.status).to.equal(422);
    expect(forged.body.error.code).to.equal('signature_invalid');
  });

  it("when another clerk anchors with the first clerk's seal, then the chaincode refuses the binding (403 with its transaction ID)", async function () {
    const bytes = pdf('borrowed seal');
    await upload(g, otherClerk, bytes);
    const res = await anchor(otherClerk, bytes);
    expect(res.status).to.equal(403);
    expect(res.body.error.message).to.match(/is not bound to the caller/);
    expect(res.body.error.transactionId).to.be.a('string');
  });

  it('when a finance user anchors, even with their own registered seal, then the chaincode refuses them (403)', async function () {
    const bytes = pdf('finance');
    await upload(g, finance, bytes);
    const res = await anchor(finance, bytes, {}, financeSeal);
    expect(res.status, JSON.stringify(res.body)).to.equal(403);
    expect(res.body.error.message).to.match(/^access denied: document\.anchorDocument/);
  });

  it('when the clerk anchors version 2 superseding version 1, then the chain is v1 (superseded) → v2 (active)', async function () {
    await upload(g, clerk, v2);
    const res = await anchor(clerk, v2, { supersedes: sha(v1), title: '竣工验收报告（修订）' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.result).to.include({ version: 2, supersedes: sha(v1), status: 'active' });
    receipts.v2 = res.body.receipt;
    const versions = await api(g)
      .get(`/v1/documents/${sha(v2)}/versions`)
      .set(bearer(auditor));
    expect(versions.body.items.map((d: { sha256: string; status: string }) => [d.sha256, d.status])).to.deep.equal([
      [sha(v1), 'superseded'],
      [sha(v2), 'active'],
    ]);
    const listed = await eventually(
      'both versions in the read model',
      () => api(g).get('/v1/documents').query({ projectId }).set(bearer(clerk)),
      (r) => r.body.items?.length === 2 && r.body.items.some((d: { status: string }) => d.status === 'superseded'),
    );
    expect(listed.body.items.find((d: { sha256: string }) => d.sha256 === sha(v1))).to.include({
      status: 'superseded',
      supersededBy: sha(v2),
    });
    const superseded = await api(g).get('/v1/documents').query({ projectId, status: 'superseded' }).set(bearer(clerk));
    expect(superseded.body.items.map((d: { sha256: string }) => d.sha256)).to.deep.equal([sha(v1)]);
    const stale = pdf('stale');
    await upload(g, clerk, stale);
    const again = await anchor(clerk, stale, { supersedes: sha(v1) });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.match(/is superseded and cannot be superseded/);
  });

  it('when the signer revokes version 2 with a reason, then it is revoked, and revoking again conflicts', async function () {
    expect(
      (
        await api(g)
          .post(`/v1/documents/${sha(v2)}/revocation`)
          .set(bearer(clerk))
          .send({ reason: 'x' })
      ).status,
    ).to.equal(400);
    const res = await api(g)
      .post(`/v1/documents/${sha(v2)}/revocation`)
      .set(bearer(clerk))
      .send({ reason: '盖章页扫描不清，重新出具' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.result).to.include({ status: 'revoked', revokedReason: '盖章页扫描不清，重新出具' });
    receipts.v2revoked = res.body.receipt;
    expect(
      (
        await api(g)
          .post(`/v1/documents/${sha(v2)}/revocation`)
          .set(bearer(clerk))
          .send({ reason: '再次撤销' })
      ).status,
    ).to.equal(409);
    const onLedger = await api(g)
      .get(`/v1/documents/${sha(v2)}`)
      .query({ source: 'ledger' })
      .set(bearer(clerk));
    expect(onLedger.body.status).to.equal('revoked');
  });

  it('when a record is asked for its history, then each change comes with its transaction ID and block, newest first', async function () {
    const res = await api(g)
      .get(`/v1/records/document/${sha(v1)}/history`)
      .set(bearer(auditor));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(
      res.body.changes.map((c: { transactionId: string; blockNumber: string }) => [c.transactionId, c.blockNumber]),
    ).to.deep.equal([
      [receipts.v2.transactionId, receipts.v2.blockNumber],
      [receipts.v1.transactionId, receipts.v1.blockNumber],
    ]);
    expect(res.body.changes[0].value.status).to.equal('superseded');
    expect(res.body.changes[1].operation).to.include({ action: 'document.anchorDocument', by: clerk.username });
    const v2history = await api(g)
      .get(`/v1/documents/${sha(v2)}/history`)
      .set(bearer(clerk));
    expect(v2history.body.changes.map((c: { transactionId: string }) => c.transactionId)).to.deep.equal([
      receipts.v2revoked.transactionId,
      receipts.v2.transactionId,
    ]);
    const contractorHistory = await api(g).get(`/v1/records/contractor/${contractorId}/history`).set(bearer(clerk));
    expect(contractorHistory.body.changes.map((c: { blockNumber: string }) => c.blockNumber)).to.deep.equal([
      receipts.qualified.blockNumber,
      receipts.registered.blockNumber,
    ]);
  });

  it('when a change did not come through a gateway (no receipt), then its block is still found on the ledger', async function () {
    const connection = await mongoose.createConnection(testConfig().mongoUrl).asPromise();
    try {
      await connection
        .db!.collection('operations')
        .deleteOne({ 'receipt.transactionId': receipts.registered.transactionId });
    } finally {
      await connection.close();
    }
    const res = await api(g).get(`/v1/records/contractor/${contractorId}/history`).set(bearer(auditor));
    const first = res.body.changes[res.body.changes.length - 1];
    expect(first).to.include({
      transactionId: receipts.registered.transactionId,
      blockNumber: receipts.registered.blockNumber,
      operation: null,
    });
  });

  it('when the API document is read, then it lists the documents, registry and audit routes', async function () {
    const doc = await api(g).get('/openapi.json');
    expect(doc.body.paths).to.include.keys(
      '/v1/uploads',
      '/v1/uploads/{sha256}',
      '/v1/documents',
      '/v1/documents/{sha256}/versions',
      '/v1/seal-certificates',
      '/v1/contractors/{id}/qualifications',
      '/v1/records/{kind}/{id}/history',
      '/v1/records/{kind}/{id}/verify',
      '/v1/attestations',
    );
  });

  it("when /docs is requested, then it carries helmet's headers with a CSP that swagger-ui's page satisfies (no inline script)", async function () {
    const page = await api(g).get('/docs/');
    expect(page.status).to.equal(200);
    expect(page.headers).to.include({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-opener-policy': 'same-origin',
    });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).to.match(/script-src 'self'(;|$)/);
    expect(csp).to.match(/style-src 'self' https: 'unsafe-inline'/);
    expect(csp).not.to.match(/upgrade-insecure-requests/);
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).to.be.greaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).to.match(/src=/);
      expect(body.trim()).to.equal('');
    }
    const init = await api(g).get('/docs/swagger-ui-init.js');
    expect(init.status).to.equal(200);
    expect(init.headers['content-security-policy']).to.equal(csp);
    expect((await api(g).get('/openapi.json')).headers['x-content-type-options']).to.equal('nosniff');
  });

  it('when a history is asked for an unknown record, a bad kind or a bad key, then 404 or 400', async function () {
    expect((await api(g).get(`/v1/records/document/${randomHash()}/history`).set(bearer(clerk))).status).to.equal(404);
    expect((await api(g).get('/v1/records/bankReference/X/history').set(bearer(clerk))).status).to.equal(400);
    expect(
      (
        await api(g)
          .get(`/v1/records/milestone/${encodeURIComponent('a/b/c/d')}/history`)
          .set(bearer(clerk))
      ).status,
    ).to.equal(400);
  });

  it('when an auditor attests a document, then the attestation is listed with the record; an auditor cannot anchor, a clerk cannot attest', async function () {
    const id = uniqueId('ATT');
    const noReport = await api(g)
      .post('/v1/attestations')
      .set(bearer(auditor))
      .send({ id, subjectKind: 'document', subjectKey: [sha(v1)], opinion: 'finding', note: '签章时间晚于验收日期' });
    expect(noReport.status).to.equal(400);
    const res = await api(g)
      .post('/v1/attestations')
      .set(bearer(auditor))
      .send({
        id,
        subjectKind: 'document',
        subjectKey: [sha(v1)],
        opinion: 'finding',
        reportSha256: randomHash(),
        note: '签章时间晚于验收日期',
      });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.result).to.include({ id, subjectKind: 'document', opinion: 'finding' });
    const listed = await eventually(
      'attestation listed',
      () =>
        api(g)
          .get('/v1/attestations')
          .query({ subjectKind: 'document', subjectKey: sha(v1) })
          .set(bearer(clerk)),
      (r) => r.body.items?.length === 1,
    );
    expect(listed.body.items[0].id).to.equal(id);
    const history = await api(g)
      .get(`/v1/records/document/${sha(v1)}/history`)
      .set(bearer(clerk));
    expect(history.body.attestations.map((a: { id: string }) => a.id)).to.deep.equal([id]);

    const bytes = pdf('auditor');
    await upload(g, auditor, bytes);
    const anchorAttempt = await anchor(auditor, bytes);
    expect(anchorAttempt.status).to.equal(403);
    expect(anchorAttempt.body.error.message).to.match(/^access denied/);
    expect(
      (
        await api(g)
          .post('/v1/attestations')
          .set(bearer(clerk))
          .send({
            id: uniqueId('ATT'),
            subjectKind: 'document',
            subjectKey: [sha(v1)],
            opinion: 'no_finding',
            note: 'ok',
          })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api(g)
          .post('/v1/attestations')
          .set(bearer(auditor))
          .send({
            id: uniqueId('ATT'),
            subjectKind: 'document',
            subjectKey: [randomHash()],
            opinion: 'no_finding',
            note: 'ok',
          })
      ).status,
    ).to.equal(404);
  });

  it('when the read model matches the ledger, then verify says so; after the read-model copy is edited, it names the field', async function () {
    const verified = await eventually(
      'read model caught up',
      () =>
        api(g)
          .get(`/v1/records/document/${sha(v2)}/verify`)
          .set(bearer(auditor)),
      (r) => r.body.match === true,
    );
    expect(verified.body.differences).to.deep.equal([]);
    expect(verified.body.ledger.transactionId).to.equal(receipts.v2revoked.transactionId);
    expect(
      (await api(g).get(`/v1/records/contractor/${contractorId}/verify`).set(bearer(auditor))).body.match,
    ).to.equal(true);

    const connection = await mongoose.createConnection(testConfig().mongoUrl).asPromise();
    try {
      await connection
        .db!.collection('documents')
        .updateOne({ _id: sha(v2) as unknown as mongoose.mongo.ObjectId }, { $set: { title: '篡改后的标题' } });
    } finally {
      await connection.close();
    }
    const tampered = await api(g)
      .get(`/v1/records/document/${sha(v2)}/verify`)
      .set(bearer(auditor));
    expect(tampered.body.match).to.equal(false);
    expect(tampered.body.differences).to.deep.equal([
      { field: 'title', readModel: '篡改后的标题', ledger: '竣工验收报告（修订）' },
    ]);
  });

  it('when a seal is revoked, then documents can no longer be anchored with it (422 rule_broken), and revoking a qualification is recorded', async function () {
    const res = await api(g)
      .post(`/v1/seal-certificates/${seal.fingerprint}/revocation`)
      .set(bearer(admin))
      .send({ reason: '经办人调岗' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.result).to.include({ status: 'revoked', revokedReason: '经办人调岗' });
    const bytes = pdf('after revocation');
    await upload(g, clerk, bytes);
    const refused = await anchor(clerk, bytes);
    expect(refused.status).to.equal(422);
    expect(refused.body.error.code).to.equal('rule_broken');
    expect(refused.body.error.message).to.match(/is revoked/);
    const q = await api(g)
      .post(`/v1/contractors/${contractorId}/qualifications/${contractorId}-L1/revocation`)
      .set(bearer(admin))
      .send({ reason: '资质证书被住建部撤回' });
    expect(q.status, JSON.stringify(q.body)).to.equal(201);
    expect(q.body.result.qualifications[0]).to.include({ status: 'revoked', revokedReason: '资质证书被住建部撤回' });
  });
});
