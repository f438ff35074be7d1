import { expect } from 'chai';
import { World, identity } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import {
  DEADLINE,
  application,
  approval,
  approvedProject,
  qualifiedContractor,
  uploadedFiles,
} from '../testing/scenario';
import { expectRejected } from '../testing/assert';
import { requiredDepartments } from './approval';

describe('approval contract (立项审批)', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await uploadedFiles(world);
  });
  const apply = (json = application(), who = people.contractor) =>
    world.submit(who, (ctx) => approval.applyForProject(ctx, json, DEADLINE));
  const project = () => world.read('project', 'P001');
  /** A contractor user of company `id`, with the application's files uploaded. */
  const userOf = async (id: string) => {
    const user = identity('HousingMSP', `contractor-${id}`, { role: 'contractor', company: id });
    await uploadedFiles(world, user);
    return user;
  };

  describe('application and automatic check', () => {
    it('when a qualified contractor applies with every required file, then the project is in pre-review with a passed check', async () => {
      await apply();
      expect(project()).to.include({ status: 'pre_review', round: 1, deadline: DEADLINE });
      expect(project().autoCheck.passed).to.equal(true);
      expect(project().applicant.mspId).to.equal('HousingMSP');
      expect(world.lastEventJson()).to.include({ type: 'approval.applied' });
    });
    it('when the contractor is not registered, then the check records a failed qualification finding', async () => {
      await apply(application({ contractorId: 'C404' }), await userOf('C404'));
      expect(project().autoCheck.passed).to.equal(false);
      expect(project().autoCheck.findings[0]).to.include({ check: 'qualification.exists', ok: false });
    });
    it('when the only qualification has expired, then the check records it as expired', async () => {
      await qualifiedContractor(world, 'C002', { expiry: '2024-12-31' });
      await apply(application({ contractorId: 'C002' }), await userOf('C002'));
      const failed = project()
        .autoCheck.findings.filter((f: { ok: boolean }) => !f.ok)
        .map((f: { check: string }) => f.check);
      expect(failed).to.deep.equal(['qualification.unexpired']);
    });
    it('when the grade is too low for the budget, then the check records a grade/scope failure', async () => {
      await qualifiedContractor(world, 'C003', { grade: 'grade3' });
      await apply(application({ contractorId: 'C003', budget: 2_000_000_000 }), await userOf('C003'));
      expect(
        project().autoCheck.findings.find((f: { check: string }) => f.check === 'qualification.gradeAndScope'),
      ).to.include({ ok: false });
    });
    it('when a required file is missing, then the check names it', async () => {
      await apply(application({ omit: 'land_use_permit' }));
      expect(
        project().autoCheck.findings.find((f: { check: string }) => f.check === 'documents.required'),
      ).to.deep.equal({ check: 'documents.required', ok: false, detail: 'missing land_use_permit' });
    });
    it('when a reviewer applies, then it is refused for wrong role', async () => {
      await expectRejected(apply(application(), people.housingReviewer), /access denied: approval.applyForProject/);
    });
    it('when the deadline is in the past, then the application is refused', async () => {
      await expectRejected(
        world.submit(people.contractor, (ctx) => approval.applyForProject(ctx, application(), '2020-01-01')),
        /deadline 2020-01-01 is already in the past/,
      );
    });
    it('when the project id already exists, then the second application is refused', async () => {
      await apply();
      await expectRejected(apply(), /project P001 already exists/);
    });
  });

  describe('departments chosen by type and budget', () => {
    it('when a road project of 6000万元 is planned, then housing, transport and finance review it', () => {
      expect(requiredDepartments('road', 6_000_000_000)).to.deep.equal(['finance', 'housing', 'transport']);
    });
    it('when a small building project is planned, then only housing reviews it', () => {
      expect(requiredDepartments('building', 1_000_000)).to.deep.equal(['housing']);
    });
  });

  describe('pre-review, correction and the stopped clock', () => {
    it('when the automatic check failed, then pre-review cannot pass', async () => {
      await apply(application({ omit: 'budget_estimate' }));
      await expectRejected(
        world.submit(people.housingClerk, (ctx) => approval.passPreReview(ctx, 'P001', DEADLINE)),
        /automatic check failed \(documents.required\)/,
      );
    });
    it('when returned for correction and resubmitted, then the clock stops and restarts and the check reruns', async () => {
      await apply(application({ omit: 'budget_estimate' }));
      await world.submit(people.housingClerk, (ctx) => approval.returnForCorrection(ctx, 'P001', '缺少投资估算'));
      expect(project()).to.include({ status: 'correction', deadline: null });
      expect(project().clock.running).to.equal(false);
      expect(project().clock.stops[0]).to.have.keys(['stoppedAt']);
      await uploadedFiles(world, people.contractor, [{ kind: 'budget_estimate', sha256: HEX('e') }]);
      await expectRejected(
        world.submit(people.owner, (ctx) =>
          approval.resubmitProject(
            ctx,
            'P001',
            JSON.stringify([{ kind: 'budget_estimate', sha256: HEX('e') }]),
            '2025-05-20',
          ),
        ),
        /only be resubmitted by its applicant/,
      );
      await world.submit(people.contractor, (ctx) =>
        approval.resubmitProject(
          ctx,
          'P001',
          JSON.stringify([{ kind: 'budget_estimate', sha256: HEX('e') }]),
          '2025-05-20',
        ),
      );
      expect(project()).to.include({ status: 'pre_review', round: 2, deadline: '2025-05-20' });
      expect(project().clock.running).to.equal(true);
      expect(project().clock.stops[0]).to.have.keys(['stoppedAt', 'resumedAt']);
      expect(project().autoCheck).to.include({ round: 2, passed: true });
    });
    it('when a project in correction is resubmitted twice, then the second is an illegal transition', async () => {
      await apply();
      await world.submit(people.housingClerk, (ctx) => approval.returnForCorrection(ctx, 'P001', '图纸不清'));
      await uploadedFiles(world, people.contractor, [{ kind: 'construction_drawings', sha256: HEX('d') }]);
      await world.submit(people.contractor, (ctx) =>
        approval.resubmitProject(
          ctx,
          'P001',
          JSON.stringify([{ kind: 'construction_drawings', sha256: HEX('d') }]),
          DEADLINE,
        ),
      );
      await expectRejected(
        world.submit(people.contractor, (ctx) =>
          approval.resubmitProject(
            ctx,
            'P001',
            JSON.stringify([{ kind: 'construction_drawings', sha256: HEX('d') }]),
            DEADLINE,
          ),
        ),
        /project P001 cannot resubmit while pre_review \(allowed from: correction\)/,
      );
    });
  });

  describe('parallel department review and decision', () => {
    beforeEach(async () => {
      await apply(application({ type: 'road', budget: 6_000_000_000 }));
      await world.submit(people.housingClerk, (ctx) => approval.passPreReview(ctx, 'P001', DEADLINE));
    });
    it('when all three departments approve in any order, then the director may approve', async () => {
      await world.submit(people.transportReviewer, (ctx) =>
        approval.reviewProject(ctx, 'P001', 'approve', '交通组织可行'),
      );
      expect(project().status).to.equal('department_review');
      await world.submit(people.financeReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'approve', '资金已落实'));
      await world.submit(people.housingReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'approve', '符合规划'));
      expect(project().status).to.equal('awaiting_decision');
      await world.submit(people.director, (ctx) => approval.approveProject(ctx, 'P001', '同意立项'));
      expect(project()).to.include({ status: 'approved', decisionReason: '同意立项' });
      expect(project().steps.map((s: { step: string }) => s.step)).to.deep.equal([
        'apply',
        'passPreReview',
        'review',
        'review',
        'review',
        'approve',
      ]);
      expect(world.lastEventJson().ids).to.deep.equal({ projectId: 'P001', status: 'approved' });
    });
    it('when a department not required reviews, then it is refused', async () => {
      await expectRejected(
        world.submit(people.waterReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'approve', 'ok')),
        /does not need a review from department water/,
      );
    });
    it('when a department reviews twice in one round, then the second is refused', async () => {
      await world.submit(people.transportReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'approve', 'ok'));
      await expectRejected(
        world.submit(people.transportReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'reject', 'changed mind')),
        /already has a review from department transport/,
      );
    });
    it('when the director approves before all departments reviewed, then it is an illegal transition', async () => {
      await expectRejected(
        world.submit(people.director, (ctx) => approval.approveProject(ctx, 'P001', 'hurry')),
        /cannot approve while department_review/,
      );
    });
    it('when a department reviews against, then approval is refused and rejection with reason is possible', async () => {
      await world.submit(people.transportReviewer, (ctx) =>
        approval.reviewProject(ctx, 'P001', 'reject', '交通影响过大'),
      );
      await world.submit(people.financeReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'approve', 'ok'));
      await world.submit(people.housingReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'approve', 'ok'));
      await expectRejected(
        world.submit(people.director, (ctx) => approval.approveProject(ctx, 'P001', 'x')),
        /department\(s\) transport reviewed against it/,
      );
      await world.submit(people.director, (ctx) => approval.rejectProject(ctx, 'P001', '交通影响评价未通过'));
      expect(project()).to.include({ status: 'rejected', decisionReason: '交通影响评价未通过' });
    });
    it('when a contractor tries to approve, then it is refused', async () => {
      await expectRejected(
        world.submit(people.contractor, (ctx) => approval.approveProject(ctx, 'P001', 'self-approval')),
        /access denied: approval.approveProject/,
      );
    });
    it('when a reviewer of a reviewing department returns it, then it goes to correction', async () => {
      await world.submit(people.transportReviewer, (ctx) => approval.returnForCorrection(ctx, 'P001', '补充交评'));
      expect(project().status).to.equal('correction');
    });
    it('when a rejected project is rejected again, then it is an illegal transition', async () => {
      await world.submit(people.director, (ctx) => approval.rejectProject(ctx, 'P001', 'no'));
      await expectRejected(
        world.submit(people.director, (ctx) => approval.rejectProject(ctx, 'P001', 'no')),
        /cannot reject while rejected/,
      );
    });
  });

  describe('queries', () => {
    it('when projects change status, then the status index moves with them and history lists every version', async () => {
      await approvedProject(world);
      const approved = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => approval.listProjectsByStatus(ctx, 'approved', '10', '')),
      );
      const pending = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => approval.listProjectsByStatus(ctx, 'pre_review', '10', '')),
      );
      expect(approved.records.map((p: { id: string }) => p.id)).to.deep.equal(['P001']);
      expect(pending.records).to.deep.equal([]);
      const history = JSON.parse(await world.evaluate(people.auditor, (ctx) => approval.projectHistory(ctx, 'P001')));
      expect(history.map((h: { value: { status: string } }) => h.value.status)).to.deep.equal([
        'approved',
        'awaiting_decision',
        'department_review',
        'pre_review',
      ]);
    });
    it('when reading a project that does not exist, then the error says so', async () => {
      await expectRejected(
        world.evaluate(people.auditor, (ctx) => approval.readProject(ctx, 'P404')),
        /project P404 does not exist/,
      );
    });
  });
});
