import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { approvedProject, documentJson, qualifiedContractor, registry, sealFor } from '../testing/scenario';
import { expectRejected } from '../testing/assert';
import { DocumentContract } from './document-contract';

const documents = new DocumentContract();
const SEAL = HEX('5');
const V1 = HEX('1');
const V2 = HEX('2');

describe('document contract (电子档案)', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await approvedProject(world);
    await sealFor(world, people.housingClerk, SEAL);
  });
  const anchor = (json: string, who = people.housingClerk) =>
    world.submit(who, (ctx) => documents.anchorDocument(ctx, json));

  it('when a clerk anchors a signed acceptance report with their seal, then it is stored as version 1 with signer and signature', async () => {
    await anchor(documentJson(V1, SEAL));
    const doc = world.read('document', V1);
    expect(doc).to.include({
      version: 1,
      status: 'active',
      sealFingerprint: SEAL,
      supersedes: null,
      projectId: 'P001',
    });
    expect(doc.signer.id).to.match(/CN=clerk-li/);
    expect(world.lastEvent.name).to.equal('document.anchored');
  });
  it('when a new version supersedes the old, then the old is marked superseded and both appear in the one event', async () => {
    await anchor(documentJson(V1, SEAL));
    await anchor(documentJson(V2, SEAL, { supersedes: V1 }));
    expect(world.read('document', V2)).to.include({ version: 2, supersedes: V1 });
    expect(world.read('document', V1)).to.include({ status: 'superseded', supersededBy: V2 });
    const event = world.lastEventJson();
    expect(event.related.superseded.status).to.equal('superseded');
    expect(event.ids).to.deep.equal({ sha256: V2, projectId: 'P001', supersedes: V1 });
    const chain = JSON.parse(await world.evaluate(people.auditor, (ctx) => documents.documentVersions(ctx, V2)));
    expect(chain.map((d: { sha256: string }) => d.sha256)).to.deep.equal([V1, V2]);
  });
  it('when a superseded version is superseded again, then it is refused', async () => {
    await anchor(documentJson(V1, SEAL));
    await anchor(documentJson(V2, SEAL, { supersedes: V1 }));
    await expectRejected(
      anchor(documentJson(HEX('3'), SEAL, { supersedes: V1 })),
      /document 1+ is superseded and cannot be superseded/,
    );
  });
  it('when a new version has another type than the one it supersedes, then it is refused', async () => {
    await anchor(documentJson(V1, SEAL));
    await expectRejected(
      anchor(documentJson(V2, SEAL, { supersedes: V1, documentType: 'change_record' })),
      /must have the project and type/,
    );
  });
  it('when a document names a signature algorithm outside the supported list (SM2-SM3), then it is refused and nothing is stored', async () => {
    await expectRejected(
      anchor(documentJson(V1, SEAL, { signatureAlgorithm: 'SM2-SM3' })),
      /signatureAlgorithm must be one of ECDSA-SHA256, RSA-SHA256, PAdES/,
    );
    await expectRejected(
      anchor(documentJson(V1, SEAL, { signatureAlgorithm: 'none' })),
      /signatureAlgorithm must be one of/,
    );
    expect(world.read('document', V1)).to.equal(undefined);
  });
  it('when the same hash is anchored twice, then the second is refused', async () => {
    await anchor(documentJson(V1, SEAL));
    await expectRejected(anchor(documentJson(V1, SEAL)), /already anchored/);
  });
  it('when finance tries to sign a document, then it is refused', async () => {
    await expectRejected(
      anchor(documentJson(V1, SEAL), people.finance),
      /access denied: document.anchorDocument is not allowed for role finance/,
    );
  });
  it('when someone uses a seal certificate bound to another clerk, then it is refused', async () => {
    await expectRejected(
      anchor(documentJson(V1, SEAL), people.safetyClerk),
      /seal certificate 5+ is not bound to the caller/,
    );
  });
  it('when the seal certificate is revoked, then anchoring with it is refused', async () => {
    await world.submit(people.housingAdmin, (ctx) => registry.revokeSealCertificate(ctx, SEAL, '离职'));
    await expectRejected(anchor(documentJson(V1, SEAL)), /seal certificate 5+ is revoked/);
  });
  it('when the seal certificate has expired, then anchoring with it is refused', async () => {
    await sealFor(world, people.inspector, HEX('6'), '2025-01-01');
    await expectRejected(anchor(documentJson(V1, HEX('6')), people.inspector), /expired on 2025-01-01/);
  });
  it('when the project does not exist, then anchoring is refused', async () => {
    await expectRejected(anchor(documentJson(V1, SEAL, { projectId: 'P404' })), /project P404 does not exist/);
  });
  it('when the signature is not base64, then it is refused naming the field', async () => {
    await expectRejected(
      anchor(documentJson(V1, SEAL, { signature: 'not base64!' })),
      /document.signature must be the detached signature in base64/,
    );
  });
  it('when a document is revoked with a reason, then it stays readable and its history shows both versions', async () => {
    await anchor(documentJson(V1, SEAL));
    await expectRejected(
      world.submit(people.safetyClerk, (ctx) => documents.revokeDocument(ctx, V1, 'not mine')),
      /only by its signer or a director\/admin of HousingMSP/,
    );
    await world.submit(people.director, (ctx) => documents.revokeDocument(ctx, V1, '签章错误'));
    expect(world.read('document', V1)).to.include({ status: 'revoked', revokedReason: '签章错误' });
    await expectRejected(
      world.submit(people.director, (ctx) => documents.revokeDocument(ctx, V1, 'again')),
      /already revoked/,
    );
    const history = JSON.parse(await world.evaluate(people.auditor, (ctx) => documents.documentHistory(ctx, V1)));
    expect(history.map((h: { value: { status: string } }) => h.value.status)).to.deep.equal(['revoked', 'active']);
    expect(history.every((h: { isDelete: boolean }) => !h.isDelete)).to.equal(true);
  });
  it('when documents are listed by project, then the page holds every anchored document of it', async () => {
    await anchor(documentJson(V1, SEAL));
    await anchor(documentJson(V2, SEAL, { supersedes: V1 }));
    const page = JSON.parse(
      await world.evaluate(people.contractor, (ctx) => documents.listDocumentsByProject(ctx, 'P001', '10', '')),
    );
    expect(page.records.map((d: { sha256: string }) => d.sha256)).to.deep.equal([V1, V2]);
  });
  it('when reading an unknown hash, then the error says the document does not exist', async () => {
    await expectRejected(
      world.evaluate(people.auditor, (ctx) => documents.readDocument(ctx, HEX('9'))),
      /document 9+ does not exist/,
    );
  });

  describe('PAdES: sealed PDFs whose signatures are in the file', () => {
    const REVIEWER_SEAL = HEX('7');
    const DIRECTOR_SEAL = HEX('8');
    const RECORD = 'project/P001';
    const pades = (sha256: string, signers: string[], extra: object = {}) =>
      JSON.stringify({
        sha256,
        documentType: 'approval_decision',
        projectId: 'P001',
        title: '审批决定书',
        sealFingerprint: signers[signers.length - 1],
        signatureAlgorithm: 'PAdES',
        signers,
        record: RECORD,
        ...extra,
      });
    beforeEach(async () => {
      await sealFor(world, people.housingReviewer, REVIEWER_SEAL);
      await sealFor(world, people.director, DIRECTOR_SEAL);
    });

    it('when a clerk seals, a reviewer then a director counter-sign, then each revision supersedes the last and lists every signer', async () => {
      await anchor(pades(V1, [SEAL]));
      await anchor(pades(V2, [SEAL, REVIEWER_SEAL], { supersedes: V1 }), people.housingReviewer);
      await anchor(pades(HEX('3'), [SEAL, REVIEWER_SEAL, DIRECTOR_SEAL], { supersedes: V2 }), people.director);
      const final = world.read('document', HEX('3'));
      expect(final).to.deep.include({
        version: 3,
        status: 'active',
        signatureAlgorithm: 'PAdES',
        signature: '',
        record: RECORD,
        signers: [SEAL, REVIEWER_SEAL, DIRECTOR_SEAL],
      });
      expect(final.signer.id).to.match(/CN=director-chen/);
      expect(world.read('document', V2)).to.include({ status: 'superseded', supersededBy: HEX('3') });
    });
    it('when the caller is not the last signer listed, then it is refused', async () => {
      await expectRejected(
        anchor(
          pades(V1, [SEAL, REVIEWER_SEAL]).replace(
            `"sealFingerprint":"${REVIEWER_SEAL}"`,
            `"sealFingerprint":"${SEAL}"`,
          ),
        ),
        /signers must end with the sealFingerprint/,
      );
    });
    it('when a PAdES document carries a detached signature, or lists no signer, then it is refused naming the field', async () => {
      await expectRejected(anchor(pades(V1, [SEAL], { signature: 'c2ln' })), /unknown field\(s\): signature/);
      await expectRejected(anchor(pades(V1, [SEAL], { signers: [] })), /document.signers must be an array of 1 to 10/);
      await expectRejected(anchor(pades(V1, [SEAL], { signers: ['not-hex', SEAL] })), /document.signers\[0\]/);
    });
    it("when an earlier signer's seal is revoked or unknown, then the counter-signed revision is refused", async () => {
      await anchor(pades(V1, [SEAL]));
      await world.submit(people.housingAdmin, (ctx) => registry.revokeSealCertificate(ctx, SEAL, '离职'));
      await expectRejected(
        anchor(pades(V2, [SEAL, REVIEWER_SEAL], { supersedes: V1 }), people.housingReviewer),
        /earlier signer's seal certificate 5+ is revoked/,
      );
      await expectRejected(
        anchor(pades(V2, [HEX('a'), REVIEWER_SEAL]), people.housingReviewer),
        /seal certificate a+ does not exist/,
      );
    });
    it('when a revision records another record than the one it supersedes, or names no ledger record, then it is refused', async () => {
      await anchor(pades(V1, [SEAL]));
      await expectRejected(
        anchor(pades(V2, [SEAL, REVIEWER_SEAL], { supersedes: V1, record: 'project/P002' }), people.housingReviewer),
        /must record what the document it supersedes records \(project\/P001\)/,
      );
      await expectRejected(
        anchor(pades(V2, [SEAL], { record: '../etc' })),
        /document.record must name a ledger record/,
      );
    });
  });
});
