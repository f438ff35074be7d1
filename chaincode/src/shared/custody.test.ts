import { expect } from 'chai';
import { Identity, World } from '../testing/fake-ledger';
import { people } from '../testing/people';
import {
  acceptedMilestone,
  activeContract,
  application,
  approval,
  approvedProject,
  DEADLINE,
  qualifiedContractor,
  registry,
  uploadedFiles,
  works,
} from '../testing/scenario';
import { expectNotCommitted, expectRejected } from '../testing/assert';
import { AuditContract } from '../audit/audit-contract';
import { PaymentContract } from '../payment/payment-contract';
import { MonitoringContract } from '../monitoring/monitoring-contract';

const audit = new AuditContract();
const payment = new PaymentContract();
const monitoring = new MonitoringContract();
const PERSONAL = /is a personal act and must be signed with its author's own key/;

describe("custody: personal acts need their author's own key", () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
  });
  /** A project through review, waiting for the director's decision. */
  const awaitingDecision = async () => {
    await uploadedFiles(world);
    await world.submit(people.contractor, (ctx) => approval.applyForProject(ctx, application(), DEADLINE));
    await world.submit(people.housingClerk, (ctx) => approval.passPreReview(ctx, 'P001', DEADLINE));
    await world.submit(people.housingReviewer, (ctx) => approval.reviewProject(ctx, 'P001', 'approve', '符合规划'));
  };
  const decide = (who: Identity) => world.submit(who, (ctx) => approval.approveProject(ctx, 'P001', '同意立项'));
  const vote = (who: Identity, allowed: string, endorsers?: string[]) =>
    world.submit(who, (ctx) => registry.voteCustodialPersonalActs(ctx, allowed), endorsers);
  const setting = async () =>
    JSON.parse(await world.evaluate(people.auditor, (ctx) => registry.readCustodySetting(ctx)));

  it('when a director whose key the gateway holds approves a project, then it is refused and nothing is written', async () => {
    await awaitingDecision();
    const before = world.writeLog.length;
    await expectRejected(decide(people.custodialDirector), PERSONAL, 'forbidden');
    expect(world.writeLog.length).to.equal(before);
    expect(world.read('project', 'P001')).to.include({ status: 'awaiting_decision' });
  });
  it('when a certificate says nothing of its custody, then it counts as the gateway’s and is refused', async () => {
    await awaitingDecision();
    await expectRejected(decide(people.unmarkedDirector), PERSONAL, 'forbidden');
  });
  it('when the same director holds their own key, then the decision commits', async () => {
    await awaitingDecision();
    await decide(people.director);
    expect(world.read('project', 'P001')).to.include({ status: 'approved' });
  });
  it('when custodial identities accept a milestone, request a payout or attest, then each is refused', async () => {
    await approvedProject(world);
    await activeContract(world);
    await expectRejected(
      world.submit(people.custodialInspector, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M1', '')),
      PERSONAL,
    );
    await acceptedMilestone(world, 'M1');
    const payout = JSON.stringify({ id: 'PAY1', contractId: 'HT001', milestoneId: 'M1', amount: 1 });
    await expectRejected(
      world.submit(people.custodialFinance, (ctx) => payment.requestPayout(ctx, payout)),
      PERSONAL,
    );
    const attestation = JSON.stringify({
      id: 'AT1',
      subjectKind: 'project',
      subjectKey: ['P001'],
      opinion: 'no_finding',
      note: '合规',
    });
    await expectRejected(
      world.submit(people.custodialAuditor, (ctx) => audit.attest(ctx, attestation)),
      PERSONAL,
    );
  });
  it('when a system identity (a camera) performs its own act, then custody does not matter', async () => {
    await approvedProject(world);
    const alert = JSON.stringify({
      id: 'SA1',
      projectId: 'P001',
      deviceId: 'camera-07',
      alertType: 'no_helmet',
      observedAt: '2025-03-03T09:15:00+08:00',
      location: { site: '东门小学工地', zone: '3号塔吊下' },
      evidenceSha256: 'c'.repeat(64),
    });
    await world.submit(people.device, (ctx) => monitoring.raiseSafetyAlert(ctx, alert));
    expect(world.lastEvent.name).to.match(/^monitoring\./);
  });

  describe('the setting that allows custodial identities (every bureau must vote for it)', () => {
    it('when nobody voted, then the setting is off', async () => {
      expect(await setting()).to.deep.include({
        allowed: false,
        votes: { AuditMSP: null, FinanceMSP: null, HousingMSP: null },
      });
    });
    it('when an admin whose key the gateway holds votes, then it is refused: the vote is personal too', async () => {
      await expectRejected(vote(people.custodialAdmin, 'true'), PERSONAL);
    });
    it('when two of three bureaus allow, then a custodial director is still refused', async () => {
      await awaitingDecision();
      await vote(people.housingAdmin, 'true');
      await vote(people.financeAdmin, 'true');
      expect((await setting()).allowed).to.equal(false);
      await expectRejected(decide(people.custodialDirector), PERSONAL);
    });
    it('when every bureau allows, then a custodial director may decide; when one withdraws, not any more', async () => {
      await awaitingDecision();
      for (const admin of [people.housingAdmin, people.financeAdmin, people.auditAdmin]) await vote(admin, 'true');
      expect((await setting()).allowed).to.equal(true);
      await vote(people.auditAdmin, 'false');
      await expectRejected(decide(people.custodialDirector), PERSONAL);
      await vote(people.auditAdmin, 'true');
      await decide(people.custodialDirector);
      expect(world.read('project', 'P001')).to.include({ status: 'approved' });
    });
    it('when two other bureaus’ peers endorse a change of a bureau’s vote, then the peers invalidate it', async () => {
      await vote(people.housingAdmin, 'false');
      await expectNotCommitted(vote(people.housingAdmin, 'true', ['FinanceMSP', 'AuditMSP']), /also needs HousingMSP/);
      expect(world.read('custodialPersonalActsVote', 'HousingMSP')).to.include({ allowed: false });
    });
    it('when the vote is neither true nor false, then it is refused as invalid', async () => {
      await expectRejected(vote(people.housingAdmin, 'yes'), /allowed must be "true" or "false"/, 'invalid_request');
    });
  });
});
