import { expect } from 'chai';
import {
  application,
  AUDIT,
  CAST,
  expectRefused,
  FINANCE,
  FUTURE,
  HOUSING,
  openCast,
  People,
  qualifiedContractor,
  Role,
  RUN,
  sha256,
  uid,
} from './support';

/** Roles issued by the bureaus' CAs as the chaincode sees them, and the access rules enforced on real peers. */
describe('chaincode access on the network: roles from the CAs and refusals', function () {
  this.timeout(120_000);
  let people: People;
  let contractorId: string;
  let projectId: string;

  before(async () => {
    people = await openCast();
    contractorId = await qualifiedContractor(people);
    projectId = uid('P');
    await people.contractor.submit('approval', 'applyForProject', [application(projectId, contractorId), FUTURE]);
  });
  after(() => people?.close());

  describe('roles from the CA reach the chaincode', () => {
    const expected: Record<Role, { mspId: string; role: string; dept: string | null }> = {
      admin: { mspId: HOUSING, role: 'admin', dept: 'housing' },
      clerk: { mspId: HOUSING, role: 'clerk', dept: 'housing' },
      housingReviewer: { mspId: HOUSING, role: 'reviewer', dept: 'housing' },
      transportReviewer: { mspId: HOUSING, role: 'reviewer', dept: 'transport' },
      financeReviewer: { mspId: FINANCE, role: 'reviewer', dept: 'finance' },
      director: { mspId: HOUSING, role: 'director', dept: 'housing' },
      inspector: { mspId: HOUSING, role: 'inspector', dept: 'quality' },
      finance: { mspId: FINANCE, role: 'finance', dept: 'finance' },
      settlement: { mspId: FINANCE, role: 'finance', dept: 'settlement' },
      auditor: { mspId: AUDIT, role: 'auditor', dept: 'audit' },
      contractor: { mspId: HOUSING, role: 'contractor', dept: null },
      device: { mspId: HOUSING, role: 'device', dept: null },
      intake: { mspId: HOUSING, role: 'clerk', dept: 'complaint_intake' },
      custodialDirector: { mspId: HOUSING, role: 'director', dept: 'housing' },
    };
    for (const role of Object.keys(CAST) as Role[]) {
      it(`when the ${role} enrolled from the ${CAST[role].msp} CA asks registry:whoAmI, then the chaincode sees MSP ${CAST[role].msp}, role ${expected[role].role} and dept ${expected[role].dept ?? '(none)'}`, async () => {
        const me = await people[role].evaluate('registry', 'whoAmI');
        expect(me).to.deep.include(expected[role]);
        // The X.509 id names the enrollment id the bureau's CA issued and that CA as issuer.
        expect(me.id).to.match(new RegExp(`^x509::.*CN=${role}-${RUN}.*::.*CN=ca-`));
      });
    }
    it('when a Finance user queries through the Housing and Audit peers, then every peer sees the MSP and role of the certificate, not of the peer', async () => {
      for (const peerMsp of [HOUSING, AUDIT]) {
        expect(await people.finance.evaluateVia(peerMsp, 'registry', 'whoAmI')).to.include({
          mspId: FINANCE,
          role: 'finance',
          dept: 'finance',
        });
      }
    });
  });

  describe('refusals on the real network name the rule', () => {
    it('when a contractor tries to approve a project, then the endorsement is refused with access denied for role contractor', async () => {
      await expectRefused(
        people.contractor.submitRaw('approval', 'approveProject', [projectId, '自己批准']),
        /access denied: approval\.approveProject is not allowed for role contractor in HousingMSP; allowed: director in HousingMSP/,
      );
      expect((await people.auditor.evaluate('approval', 'readProject', projectId)).status).to.equal('pre_review');
    });

    it('when a contractor tries to approve a payout or a change order, then both are refused by role', async () => {
      await expectRefused(
        people.contractor.submitRaw('payment', 'approvePayout', [uid('PAY')]),
        /access denied: payment\.approvePayout is not allowed for role contractor/,
      );
      await expectRefused(
        people.contractor.submitRaw('contract', 'approveChangeOrder', [uid('HT'), 'CO1', 'ok']),
        /access denied: contract\.approveChangeOrder is not allowed for role contractor/,
      );
    });

    it('when finance tries to anchor (sign) a document, then it is refused for role finance, while a clerk reaches the seal check', async () => {
      const doc = JSON.stringify({
        sha256: sha256(`finance-doc-${RUN}`),
        documentType: 'approval',
        projectId,
        title: '资金批复',
        sealFingerprint: sha256(`no-seal-${RUN}`),
        signature: Buffer.from('sig').toString('base64'),
        signatureAlgorithm: 'ECDSA-SHA256',
      });
      await expectRefused(
        people.finance.submitRaw('document', 'anchorDocument', [doc]),
        /access denied: document\.anchorDocument is not allowed for role finance in FinanceMSP/,
      );
      // The same call by a clerk passes the role check and fails only on the (unregistered) seal.
      await expectRefused(
        people.clerk.submitRaw('document', 'anchorDocument', [doc]),
        /seal certificate [0-9a-f]{64} does not exist/,
      );
    });

    it('when a clerk or the director tries to accept a milestone, then only the inspector role is named as allowed', async () => {
      for (const who of ['clerk', 'director', 'contractor'] as const) {
        await expectRefused(
          people[who].submitRaw('contract', 'acceptMilestone', [uid('HT'), 'M1', '']),
          new RegExp(
            `access denied: contract\\.acceptMilestone is not allowed for role ${who} in HousingMSP; allowed: inspector in HousingMSP`,
          ),
        );
      }
      // The inspector passes the role check and is stopped only by the missing contract.
      await expectRefused(
        people.inspector.submitRaw('contract', 'acceptMilestone', ['HT-missing', 'M1', '']),
        /contract HT-missing does not exist/,
      );
    });

    it('when an auditor attests a record, then it commits; when the auditor anchors a batch or a document, then it is refused', async () => {
      const attestationId = uid('ATT');
      const attested = await people.auditor.submit('audit', 'attest', [
        JSON.stringify({
          id: attestationId,
          subjectKind: 'contractor',
          subjectKey: [contractorId],
          opinion: 'no_finding',
          note: '资质核查无异常',
        }),
      ]);
      expect(attested.result).to.include({ id: attestationId, opinion: 'no_finding' });
      expect(attested.result.by).to.include({ mspId: AUDIT, role: 'auditor' });
      const page = await people.director.evaluate(
        'audit',
        'listAttestationsBySubject',
        'contractor',
        JSON.stringify([contractorId]),
        '10',
        '',
      );
      expect(page.records.map((a: { id: string }) => a.id)).to.deep.equal([attestationId]);

      const batchId = uid('B');
      await expectRefused(
        people.auditor.submitRaw('anchor', 'anchorBatch', [batchId, sha256(batchId), '2', 'photos']),
        /access denied: anchor\.anchorBatch is not allowed for role auditor in AuditMSP; allowed: clerk\|reviewer\|inspector\|director\|device\|analyst in HousingMSP/,
      );
      await expectRefused(
        people.auditor.submitRaw('document', 'anchorDocument', ['{}']),
        /access denied: document\.anchorDocument is not allowed for role auditor in AuditMSP/,
      );
      // A clerk anchors the very same batch: the refusal was the role, not the data.
      const anchored = await people.clerk.submit('anchor', 'anchorBatch', [batchId, sha256(batchId), '2', 'photos']);
      expect(anchored.result).to.include({ batchId, txId: anchored.txId });
    });

    it('when an auditor tries any other write (approve a payout, receive a complaint), then it is refused', async () => {
      await expectRefused(
        people.auditor.submitRaw('payment', 'approvePayout', [uid('PAY')]),
        /access denied: payment\.approvePayout is not allowed for role auditor in AuditMSP/,
      );
      await expectRefused(
        people.auditor.submitRaw('complaint', 'receiveComplaint', ['{}']),
        /access denied: complaint\.receiveComplaint is not allowed for role auditor/,
      );
    });

    it('when a reviewer of a department the project does not need reviews it, then it is refused naming the department', async () => {
      await people.clerk.submit('approval', 'passPreReview', [projectId, FUTURE]);
      await expectRefused(
        people.transportReviewer.submitRaw('approval', 'reviewProject', [projectId, 'approve', '同意']),
        new RegExp(`project ${projectId} does not need a review from department transport \\(needs housing\\)`),
      );
    });
  });

  describe('custody: personal acts on the real network', () => {
    it('when a director whose certificate says custody=gateway decides, then the peers refuse it; the same act by a director holding their own key commits', async () => {
      const id = uid('P');
      await people.contractor.submit('approval', 'applyForProject', [application(id, contractorId), FUTURE]);
      await people.clerk.submit('approval', 'passPreReview', [id, FUTURE]);
      await people.housingReviewer.submit('approval', 'reviewProject', [id, 'approve', '符合规划']);
      await expectRefused(
        people.custodialDirector.submit('approval', 'approveProject', [id, '同意立项']),
        /approval.approveProject is a personal act and must be signed with its author's own key/,
      );
      await people.director.submit('approval', 'approveProject', [id, '同意立项']);
      expect(await people.auditor.evaluate('approval', 'readProject', id)).to.include({ status: 'approved' });
    });
  });
});
