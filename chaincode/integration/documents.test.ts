import crypto from 'node:crypto';
import { expect } from 'chai';
import {
  application,
  eventsOf,
  expectQueryFails,
  expectRefused,
  FINANCE,
  FUTURE,
  HOUSING,
  openCast,
  People,
  qualifiedContractor,
  Submitted,
  sha256,
  uid,
} from './support';

/** The electronic archive (电子档案) on the network: seal certificates, anchoring, superseding, revocation, queries. */
describe('signed documents on the network (电子档案)', function () {
  this.timeout(120_000);
  let people: People;
  let clerkId: string;
  const projectId = uid('P');
  // The clerk's seal: a real key pair; the ledger keeps the fingerprint of its public key and each detached signature.
  const seal = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sealFingerprint = sha256(seal.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'));
  const file = (name: string) => Buffer.from(`${name} ${projectId} 主体结构验收报告`);
  const V1 = sha256(file('v1').toString());
  const V2 = sha256(file('v2').toString());
  const sign = (name: string) => crypto.sign('sha256', file(name), seal.privateKey).toString('base64');
  const documentJson = (sha: string, name: string, extra: object = {}) =>
    JSON.stringify({
      sha256: sha,
      documentType: 'acceptance_report',
      projectId,
      title: `主体结构验收报告 ${name}`,
      sealFingerprint,
      signature: sign(name),
      signatureAlgorithm: 'ECDSA-SHA256',
      ...extra,
    });
  let anchoredV1: Submitted;
  let anchoredV2: Submitted;
  let revokedV2: Submitted;

  before(async () => {
    people = await openCast();
    clerkId = await people.clerk.fabricId();
    await people.contractor.submit('approval', 'applyForProject', [
      application(projectId, await qualifiedContractor(people)),
      FUTURE,
    ]);
  });
  after(() => people?.close());

  it("when the Housing admin-role user registers the clerk's seal certificate, then it is bound to the clerk's Fabric identity", async () => {
    const registered = await people.admin.submit('registry', 'registerSealCertificate', [
      JSON.stringify({
        fingerprint: sealFingerprint,
        holderMsp: HOUSING,
        holderId: clerkId,
        label: '住建局电子印章',
        validUntil: FUTURE,
      }),
    ]);
    expect(registered.result).to.include({ status: 'active', holderId: clerkId });
    expect(registered.result.registeredBy).to.include({ mspId: HOUSING, role: 'admin' });
    const page = await people.auditor.evaluate('registry', 'listSealCertificatesByHolder', HOUSING, clerkId, '10', '');
    expect(page.records.map((s: { fingerprint: string }) => s.fingerprint)).to.deep.equal([sealFingerprint]);
  });

  it('when a clerk (not an admin) registers a seal, or the Housing admin registers one for a Finance identity, then both are refused', async () => {
    const other = JSON.stringify({
      fingerprint: sha256(uid('seal')),
      holderMsp: HOUSING,
      holderId: clerkId,
      label: 'x',
      validUntil: FUTURE,
    });
    await expectRefused(
      people.clerk.submitRaw('registry', 'registerSealCertificate', [other]),
      /access denied: registry\.registerSealCertificate is not allowed for role clerk/,
    );
    const financeHolder = JSON.stringify({
      fingerprint: sha256(uid('seal')),
      holderMsp: FINANCE,
      holderId: await people.finance.fabricId(),
      label: 'x',
      validUntil: FUTURE,
    });
    await expectRefused(
      people.admin.submitRaw('registry', 'registerSealCertificate', [financeHolder]),
      /an admin of HousingMSP may only register certificates of HousingMSP identities, not FinanceMSP/,
    );
  });

  it('when the project has no document yet, then listing its documents returns an empty page (not a chaincode error)', async () => {
    expect(await people.auditor.evaluate('document', 'listDocumentsByProject', projectId, '10', '')).to.deep.equal({
      records: [],
      fetched: 0,
      bookmark: '',
    });
  });

  it('when the clerk anchors a signed acceptance report, then it is version 1 with the clerk as signer and the signature verifies against the seal', async () => {
    anchoredV1 = await people.clerk.submit('document', 'anchorDocument', [documentJson(V1, 'v1')]);
    const doc = await people.auditor.evaluate('document', 'readDocument', V1);
    expect(doc).to.include({
      sha256: V1,
      version: 1,
      status: 'active',
      supersedes: null,
      sealFingerprint,
      anchorTxId: anchoredV1.txId,
    });
    expect(doc.signer).to.deep.equal({ mspId: HOUSING, id: clerkId, role: 'clerk' });
    expect(crypto.verify('sha256', file('v1'), seal.publicKey, Buffer.from(doc.signature, 'base64'))).to.equal(true);
  });

  it("when the inspector anchors with the clerk's seal, then it is refused: the seal is not bound to the caller", async () => {
    await expectRefused(
      people.inspector.submitRaw('document', 'anchorDocument', [documentJson(sha256(uid('doc')), 'x')]),
      new RegExp(`seal certificate ${sealFingerprint} is not bound to the caller`),
    );
  });

  it('when the clerk anchors version 2 superseding version 1, then version 1 is superseded and the one event carries both', async () => {
    anchoredV2 = await people.clerk.submit('document', 'anchorDocument', [documentJson(V2, 'v2', { supersedes: V1 })]);
    expect(anchoredV2.result).to.include({ version: 2, supersedes: V1, status: 'active' });
    expect(await people.auditor.evaluate('document', 'readDocument', V1)).to.include({
      status: 'superseded',
      supersededBy: V2,
    });
    const versions = await people.finance.evaluate('document', 'documentVersions', V1);
    expect(versions.map((d: { sha256: string; version: number }) => [d.sha256, d.version])).to.deep.equal([
      [V1, 1],
      [V2, 2],
    ]);
    const [event] = await eventsOf(people.clerk.network, anchoredV2.blockNumber, [anchoredV2.txId]);
    expect(event.name).to.equal('document.anchored');
    expect(event.payload.ids).to.deep.equal({ sha256: V2, projectId, supersedes: V1 });
    expect(event.payload.related.superseded).to.include({ sha256: V1, status: 'superseded', supersededBy: V2 });
  });

  it('when a superseded version is superseded again, then it is refused', async () => {
    await expectRefused(
      people.clerk.submitRaw('document', 'anchorDocument', [
        documentJson(sha256(uid('doc')), 'v3', { supersedes: V1 }),
      ]),
      new RegExp(`document ${V1} is superseded and cannot be superseded`),
    );
  });

  it('when the inspector (not the signer nor a director) revokes version 2, then it is refused; the signer revokes it with a reason, once', async () => {
    await expectRefused(
      people.inspector.submitRaw('document', 'revokeDocument', [V2, '越权']),
      new RegExp(`document ${V2} may be revoked only by its signer or a director/admin of HousingMSP`),
    );
    revokedV2 = await people.clerk.submit('document', 'revokeDocument', [V2, '签章页缺失']);
    expect(revokedV2.result).to.include({ status: 'revoked', revokedReason: '签章页缺失' });
    await expectRefused(
      people.director.submitRaw('document', 'revokeDocument', [V2, 'again']),
      new RegExp(`document ${V2} is already revoked`),
    );
    await expectRefused(
      people.clerk.submitRaw('document', 'anchorDocument', [
        documentJson(sha256(uid('doc')), 'v3', { supersedes: V2 }),
      ]),
      new RegExp(`document ${V2} is revoked and cannot be superseded`),
    );
  });

  it('when documents are queried by hash and by project, then both versions are found and an unknown hash is named', async () => {
    expect(await people.contractor.evaluate('document', 'readDocument', V2)).to.include({
      status: 'revoked',
      version: 2,
    });
    const page = await people.auditor.evaluate('document', 'listDocumentsByProject', projectId, '10', '');
    expect(page.records.map((d: { sha256: string; status: string }) => [d.sha256, d.status]).sort()).to.deep.equal(
      [
        [V1, 'superseded'],
        [V2, 'revoked'],
      ].sort(),
    );
    const unknown = sha256(uid('missing'));
    await expectQueryFails(
      people.auditor.evaluate('document', 'readDocument', unknown),
      new RegExp(`document ${unknown} does not exist`),
    );
  });

  it("when a document's history is read, then every committed version is listed newest first with the transactions that wrote them", async () => {
    const h1 = await people.auditor.evaluate('document', 'documentHistory', V1);
    expect(h1.map((h: { txId: string; value: { status: string } }) => [h.txId, h.value.status])).to.deep.equal([
      [anchoredV2.txId, 'superseded'],
      [anchoredV1.txId, 'active'],
    ]);
    const h2 = await people.auditor.evaluate('document', 'documentHistory', V2);
    expect(h2.map((h: { txId: string; value: { status: string } }) => [h.txId, h.value.status])).to.deep.equal([
      [revokedV2.txId, 'revoked'],
      [anchoredV2.txId, 'active'],
    ]);
    expect(h2[0].timestamp).to.equal(h2[0].value.revokedAt);
    expect(h2.every((h: { isDelete: boolean }) => !h.isDelete)).to.equal(true);
  });

  it('when the admin revokes the seal certificate, then the clerk can no longer anchor with it', async () => {
    await people.admin.submit('registry', 'revokeSealCertificate', [sealFingerprint, '印章遗失']);
    await expectRefused(
      people.clerk.submitRaw('document', 'anchorDocument', [documentJson(sha256(uid('doc')), 'v9')]),
      new RegExp(`seal certificate ${sealFingerprint} is revoked`),
    );
  });
});
