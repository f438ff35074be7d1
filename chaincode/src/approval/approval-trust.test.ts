import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { HEX, people, person } from '../testing/people';
import {
  DEADLINE,
  application,
  applicationFiles,
  approval,
  qualifiedContractor,
  uploadedFiles,
} from '../testing/scenario';
import { expectRejected } from '../testing/assert';

/** Issue 10, findings 4, 13 and 14: departments of the caller's own bureau, the applicant's company, uploaded files. */
describe('approval contract: who may act, for which company, with which files', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await qualifiedContractor(world, 'C002');
    await uploadedFiles(world);
  });
  const apply = (json = application(), who = people.contractor) =>
    world.submit(who, (ctx) => approval.applyForProject(ctx, json, DEADLINE));
  const project = () => world.read('project', 'P001');
  const roadInReview = async () => {
    await apply(application({ type: 'road', budget: 6_000_000_000 }));
    await world.submit(people.housingClerk, (ctx) => approval.passPreReview(ctx, 'P001', DEADLINE));
  };

  describe('departments belong to bureaus (finding 4)', () => {
    it('when an Audit-bureau reviewer with dept transport reviews, then it is refused and does not count', async () => {
      await roadInReview();
      await expectRejected(
        world.submit(people.auditTransportReviewer, (ctx) =>
          approval.reviewProject(ctx, 'P001', 'approve', '交通可行'),
        ),
        /^access denied: department transport is not a department of AuditMSP/,
      );
      expect(project().reviews).to.deep.equal([]);
    });
    it('when a Finance-bureau finance reviewer reviews, then the review counts for finance', async () => {
      await roadInReview();
      await world.submit(people.financeReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'approve', '资金已落实'));
      expect(project().reviews.map((r: { dept: string }) => r.dept)).to.deep.equal(['finance']);
    });
    it('when an Audit-bureau transport reviewer returns the project for correction, then it is refused', async () => {
      await roadInReview();
      await expectRejected(
        world.submit(people.auditTransportReviewer, (ctx) => approval.returnForCorrection(ctx, 'P001', '补充交评')),
        /^access denied: department transport is not a department of AuditMSP/,
      );
      expect(project().status).to.equal('department_review');
    });
    it('when a Finance-bureau clerk returns the project for correction, then it is refused by MSP', async () => {
      await roadInReview();
      await expectRejected(
        world.submit(people.financeTransportClerk, (ctx) => approval.returnForCorrection(ctx, 'P001', '补正')),
        /^access denied: approval.returnForCorrection/,
      );
    });
    it('when a Housing clerk of a complaint unit passes pre-review, then it is refused: the unit has no review duty', async () => {
      await apply();
      const intakeClerk = person('HousingMSP', 'clerk-intake', { role: 'clerk', dept: 'complaint_intake' });
      await expectRejected(
        world.submit(intakeClerk, (ctx) => approval.passPreReview(ctx, 'P001', DEADLINE)),
        /^access denied: department complaint_intake has no review duty/,
      );
      expect(project().status).to.equal('pre_review');
    });
    it('when a Housing director without a department decides, then it is refused', async () => {
      await roadInReview();
      const director = person('HousingMSP', 'director-nodept', { role: 'director' });
      await expectRejected(
        world.submit(director, (ctx) => approval.rejectProject(ctx, 'P001', 'no')),
        /^access denied: department \(none\) is not a department of HousingMSP/,
      );
      expect(project().status).to.equal('department_review');
    });
  });

  describe('the applicant acts for its own company (finding 13)', () => {
    it("when a contractor applies with another company's contractorId, then it is refused and nothing is written", async () => {
      await expectRejected(
        apply(application({ contractorId: 'C002' })),
        /^access denied: a user of company C001 cannot act for contractor C002/,
      );
      expect(project()).to.equal(undefined);
    });
    it('when a contractor applies without naming a contractor, then the contractor is its certificate company', async () => {
      const body = JSON.parse(application());
      delete body.contractorId;
      await apply(JSON.stringify(body));
      expect(project()).to.include({ contractorId: 'C001' });
      expect(project().autoCheck.passed).to.equal(true);
    });
    it('when a contractor certificate carries no company, then it can neither upload nor apply', async () => {
      await expectRejected(
        apply(application(), people.companylessContractor),
        /^access denied: contractor .* has no company attribute/,
      );
      const file = JSON.stringify({ sha256: HEX('9'), size: 1, contentType: 'application/pdf' });
      await expectRejected(
        world.submit(people.companylessContractor, (ctx) => approval.anchorApplicationFile(ctx, file)),
        /^access denied: contractor .* has no company attribute/,
      );
    });
    it('when an owner unit applies, then the project is its own company', async () => {
      await uploadedFiles(world, people.owner);
      await apply(application({ contractorId: 'O001' }), people.owner);
      expect(project()).to.include({ contractorId: 'O001' });
    });
  });

  describe('every file an application names was uploaded by the applicant (finding 14)', () => {
    it('when an application names a hash never uploaded, then it is refused and nothing is written', async () => {
      const body = JSON.parse(application());
      body.files[0].sha256 = HEX('a');
      await expectRejected(
        apply(JSON.stringify(body)),
        /^files.application_form.sha256 must be a file uploaded by company C001/,
      );
      expect(project()).to.equal(undefined);
    });
    it('when an application names a file another company uploaded, then it is refused', async () => {
      await uploadedFiles(world, people.rivalContractor, [{ kind: 'application_form', sha256: HEX('b') }]);
      const body = JSON.parse(application());
      body.files[0].sha256 = HEX('b');
      await expectRejected(apply(JSON.stringify(body)), /must be a file uploaded by company C001/);
    });
    it('when a resubmission names a hash never uploaded, then it is refused and the project stays in correction', async () => {
      await apply(application({ omit: 'budget_estimate' }));
      await world.submit(people.housingClerk, (ctx) => approval.returnForCorrection(ctx, 'P001', '缺少投资估算'));
      await expectRejected(
        world.submit(people.contractor, (ctx) =>
          approval.resubmitProject(
            ctx,
            'P001',
            JSON.stringify([{ kind: 'budget_estimate', sha256: HEX('c') }]),
            DEADLINE,
          ),
        ),
        /^files.budget_estimate.sha256 must be a file uploaded/,
      );
      expect(project()).to.include({ status: 'correction', round: 1 });
    });
    it('when a file is anchored, then the record holds company, size and uploader, and anchoring it again is a conflict', async () => {
      expect(world.read('applicationFile', 'C001', applicationFiles()[0].sha256)).to.include({
        company: 'C001',
        size: 1024,
        contentType: 'application/pdf',
      });
      expect(world.read('applicationFile', 'C001', applicationFiles()[0].sha256).uploadedBy).to.include({
        mspId: 'HousingMSP',
        role: 'contractor',
      });
      const again = JSON.stringify({
        sha256: applicationFiles()[0].sha256,
        size: 1024,
        contentType: 'application/pdf',
      });
      await expectRejected(
        world.submit(people.contractor, (ctx) => approval.anchorApplicationFile(ctx, again)),
        /is already anchored for company C001/,
      );
    });
    it('when a clerk anchors an application file, then it is refused', async () => {
      const file = JSON.stringify({ sha256: HEX('7'), size: 1, contentType: 'application/pdf' });
      await expectRejected(
        world.submit(people.housingClerk, (ctx) => approval.anchorApplicationFile(ctx, file)),
        /^access denied: approval.anchorApplicationFile/,
      );
    });
  });
});
