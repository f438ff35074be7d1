import { expect } from 'chai';
import {
  anchorFile,
  application,
  CAST,
  expectRefused,
  FUTURE,
  openCast,
  People,
  Person,
  qualifiedContractor,
  Submitted,
  sha256,
  uid,
} from './support';

interface Step {
  step: string;
  from: string | null;
  to: string;
  by: { mspId: string; id: string; role: string };
  at: string;
  reason?: string;
}
interface HistoryEntry {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: { status: string; round: number; steps: Step[] };
}

/** A full project approval (立项审批) on the network, and its history as the real ledger keeps it. */
describe('project approval journey on the network (立项审批)', function () {
  this.timeout(180_000);
  let people: People;
  let contractorId: string;
  const projectId = uid('P');
  /** Every VALID transaction that wrote the project, in commit order, with the step it must have recorded. */
  const journey: Array<{ step: string; who: Person; tx: Submitted }> = [];

  const write = async (who: Person, step: string, fn: string, args: string[]) => {
    const tx = await who.submit('approval', fn, args);
    journey.push({ step, who, tx });
    return tx.result;
  };
  const project = () => people.auditor.evaluate('approval', 'readProject', projectId);

  before(async () => {
    people = await openCast();
    contractorId = await qualifiedContractor(people);
  });
  after(() => people?.close());

  it('when a qualified contractor applies for a 6000万元 road project, then the automatic check passes and housing, transport and finance must review', async () => {
    const applied = await write(people.contractor, 'apply', 'applyForProject', [
      application(projectId, contractorId, 'road', 6_000_000_000),
      FUTURE,
    ]);
    expect(applied).to.include({ status: 'pre_review', round: 1, deadline: FUTURE });
    expect(applied.autoCheck.passed).to.equal(true);
    expect(applied.autoCheck.findings.map((f: { check: string }) => f.check)).to.deep.equal([
      'qualification.exists',
      'qualification.unexpired',
      'qualification.gradeAndScope',
      'documents.required',
    ]);
    expect(applied.requiredDepartments).to.deep.equal(['finance', 'housing', 'transport']);
    expect(applied.applicant).to.deep.equal({
      mspId: 'HousingMSP',
      id: await people.contractor.fabricId(),
      role: 'contractor',
    });
  });

  it('when the Housing clerk passes pre-review and the transport reviewer approves, then the project waits for the other departments', async () => {
    await write(people.clerk, 'passPreReview', 'passPreReview', [projectId, FUTURE]);
    const reviewed = await write(people.transportReviewer, 'review', 'reviewProject', [
      projectId,
      'approve',
      '交通组织方案可行',
    ]);
    expect(reviewed.status).to.equal('department_review');
    expect(reviewed.reviews.map((r: { dept: string; round: number }) => [r.dept, r.round])).to.deep.equal([
      ['transport', 1],
    ]);
  });

  it('when the housing reviewer returns it for correction (补正), then the clock stops and the deadline is cleared', async () => {
    const returned = await write(people.housingReviewer, 'returnForCorrection', 'returnForCorrection', [
      projectId,
      '缺少交通疏解方案',
    ]);
    expect(returned).to.include({ status: 'correction', deadline: null });
    expect(returned.clock.running).to.equal(false);
    expect(returned.clock.stops).to.have.length(1);
    // Only the applicant may resubmit: a clerk is refused by role.
    await expectRefused(
      people.clerk.submitRaw('approval', 'resubmitProject', [projectId, '[]', FUTURE]),
      /access denied: approval\.resubmitProject is not allowed for role clerk/,
    );
  });

  it('when the contractor resubmits the corrected file, then the check reruns in round 2 and the clock restarts where it stopped', async () => {
    const corrected = [{ kind: 'traffic_impact_assessment', sha256: sha256(`traffic-v2-${projectId}`) }];
    await anchorFile(people, corrected[0].sha256);
    const resubmitted = await write(people.contractor, 'resubmit', 'resubmitProject', [
      projectId,
      JSON.stringify(corrected),
      FUTURE,
    ]);
    expect(resubmitted).to.include({ status: 'pre_review', round: 2, deadline: FUTURE });
    expect(resubmitted.autoCheck).to.include({ round: 2, passed: true });
    expect(resubmitted.files.find((f: { kind: string }) => f.kind === 'traffic_impact_assessment').sha256).to.equal(
      corrected[0].sha256,
    );
    const [stop] = resubmitted.clock.stops;
    expect(stop.stoppedAt).to.equal(journey[3].tx.result.steps.at(-1).at);
    expect(stop.resumedAt).to.equal(resubmitted.steps.at(-1).at);
    expect(resubmitted.clock.running).to.equal(true);
  });

  it('when the three departments review the same version at once, then one commits per round and the others fail MVCC_READ_CONFLICT; resubmitted they all count and the last moves it to decision', async () => {
    await write(people.clerk, 'passPreReview', 'passPreReview', [projectId, FUTURE]);
    let pending: Array<[Person, string]> = [
      [people.financeReviewer, '资金来源已落实'],
      [people.transportReviewer, '交通疏解方案已补正'],
      [people.housingReviewer, '符合规划'],
    ];
    const rounds: number[][] = [];
    while (pending.length > 0 && rounds.length < 3) {
      // Every review of a round is endorsed before any is submitted: all read the same version of the project.
      const endorsed = await Promise.all(
        pending.map(([who, reason]) => who.endorse('approval', 'reviewProject', [projectId, 'approve', reason])),
      );
      const committed = await Promise.all(pending.map(([who], i) => who.submitEndorsed(endorsed[i])));
      rounds.push(committed.map((tx) => tx.code).sort());
      committed.forEach((tx, i) => tx.successful && journey.push({ step: 'review', who: pending[i][0], tx }));
      pending = pending.filter((_, i) => !committed[i].successful);
    }
    expect(rounds).to.deep.equal([[0, 11, 11], [0, 11], [0]]); // 11: MVCC_READ_CONFLICT
    const p = await project();
    expect(p.status).to.equal('awaiting_decision');
    expect(
      p.reviews
        .filter((r: { round: number }) => r.round === 2)
        .map((r: { dept: string }) => r.dept)
        .sort(),
    ).to.deep.equal(['finance', 'housing', 'transport']);
    expect(
      p.reviews.find((r: { round: number; dept: string }) => r.round === 2 && r.dept === 'finance').by.mspId,
    ).to.equal('FinanceMSP');
    // Only the review that completed the set moved the project on; the earlier ones left it in department_review.
    expect(journey.slice(-3).map((j) => j.tx.result.status)).to.deep.equal([
      'department_review',
      'department_review',
      'awaiting_decision',
    ]);
  });

  it('when the Housing director approves, then the project is approved with the reason', async () => {
    const approved = await write(people.director, 'approve', 'approveProject', [projectId, '同意立项']);
    expect(approved).to.include({ status: 'approved', decisionReason: '同意立项', deadline: null });
  });

  it('when the approved project is approved again, then the illegal transition is refused naming the allowed states', async () => {
    await expectRefused(
      people.director.submitRaw('approval', 'approveProject', [projectId, 'again']),
      new RegExp(`project ${projectId} cannot approve while approved \\(allowed from: awaiting_decision\\)`),
    );
  });

  it('when projectHistory is read from the real ledger, then it lists every step newest first, each with its actor, transaction id and transaction timestamp', async () => {
    const history: HistoryEntry[] = await people.auditor.evaluate('approval', 'projectHistory', projectId);
    const newestFirst = [...journey].reverse();
    expect(journey.map((j) => j.step)).to.deep.equal([
      'apply',
      'passPreReview',
      'review',
      'returnForCorrection',
      'resubmit',
      'passPreReview',
      'review',
      'review',
      'review',
      'approve',
    ]);
    expect(history.map((h) => h.txId)).to.deep.equal(newestFirst.map((j) => j.tx.txId));
    expect(history.map((h) => h.value.status)).to.deep.equal(newestFirst.map((j) => j.tx.result.status));
    for (const [i, entry] of history.entries()) {
      const { step, who, tx } = newestFirst[i];
      const last = entry.value.steps.at(-1)!;
      expect(entry.isDelete).to.equal(false);
      expect(last.step).to.equal(step);
      expect(last.by).to.deep.equal({
        mspId: who.user.mspId,
        id: await who.fabricId(),
        role: CAST[who.role].attrs.role,
      });
      expect(last).to.deep.equal(tx.result.steps.at(-1));
      // The step's time is the transaction timestamp, the same instant Fabric's history reports for that write.
      expect(last.at).to.equal(entry.timestamp);
      expect(entry.value.steps).to.have.length(history.length - i);
    }
    const times = history.map((h) => Date.parse(h.timestamp));
    expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    // The newest version carries the whole trail oldest first, exactly the steps of the history, reversed.
    expect(history[0].value.steps.map((s) => s.at)).to.deep.equal([...history].reverse().map((h) => h.timestamp));
  });
});
