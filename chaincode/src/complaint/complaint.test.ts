import { expect } from 'chai';
import { World, identity } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { expectRejected } from '../testing/assert';
import { ComplaintContract } from './complaint-contract';
import { receiptCommitment } from './complaint';

const complaints = new ComplaintContract();
// The gateway's system users (complaints/system-identities.ts) and the Housing units that handle complaints.
const intake = identity('HousingMSP', 'system.complaint-intake', { role: 'clerk', dept: 'complaint_intake' });
const supervision = identity('HousingMSP', 'system.complaint-escalation', {
  role: 'clerk',
  dept: 'complaint_supervision',
});
const dispatcher = people.housingClerk; // dept housing: the dispatch office
const safetyUnit = identity('HousingMSP', 'clerk-wang', { role: 'clerk', dept: 'safety_station' });
const labourUnit = identity('HousingMSP', 'clerk-ma', { role: 'clerk', dept: 'labour' });
const financeClerk = people.financeClerk; // FinanceMSP, dept finance
const PROOF = HEX('7'); // the rating proof the citizen's receipt token gives (the gateway derives it)
const json = (extra: object = {}) =>
  JSON.stringify({
    id: 'TS1',
    contentHash: HEX('f'),
    receiptCommitment: receiptCommitment('TS1', PROOF),
    category: 'noise',
    location: '罗湖区 东门街道',
    deadline: '2025-03-10',
    ...extra,
  });

describe('complaint contract (公众投诉)', () => {
  let world: World;
  beforeEach(() => {
    world = new World('2025-03-03T01:00:00.000Z');
  });
  const receive = () => world.submit(intake, (ctx) => complaints.receiveComplaint(ctx, json()));
  const dispatch = () =>
    world.submit(dispatcher, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'safety_station', '2025-03-10'));
  const answered = async () => {
    await receive();
    await dispatch();
    await world.submit(safetyUnit, (ctx) => complaints.startComplaint(ctx, 'TS1'));
    await world.submit(safetyUnit, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('a')));
  };
  const c = () => world.read('complaint', 'TS1');

  it('when a complaint goes received → dispatched → in_progress → answered → closed, then the history lists every step', async () => {
    await answered();
    await world.submit(safetyUnit, (ctx) => complaints.closeComplaint(ctx, 'TS1'));
    expect(c().history.map((h: { status: string }) => h.status)).to.deep.equal([
      'received',
      'dispatched',
      'in_progress',
      'answered',
      'closed',
    ]);
    expect(c()).to.include({
      assignedUnit: 'safety_station',
      answerHash: HEX('a'),
      receiptCommitment: receiptCommitment('TS1', PROOF),
    });
    const byUnit = JSON.parse(
      await world.evaluate(people.auditor, (ctx) => complaints.listComplaintsByUnit(ctx, 'safety_station', '10', '')),
    );
    expect(byUnit.records).to.have.length(1);
  });
  it('when the complaint carries a phone number or a street address with digits, then it is refused', async () => {
    await expectRejected(
      world.submit(intake, (ctx) => complaints.receiveComplaint(ctx, json({ phone: '13800000000' }))),
      /unknown field\(s\): phone/,
    );
    await expectRejected(
      world.submit(intake, (ctx) => complaints.receiveComplaint(ctx, json({ location: '东门路88号3栋' }))),
      /coarse place name/,
    );
  });
  it('when a complaint comes without a receipt commitment, then it is refused', async () => {
    const { receiptCommitment: _omitted, ...rest } = JSON.parse(json());
    await expectRejected(
      world.submit(intake, (ctx) => complaints.receiveComplaint(ctx, JSON.stringify(rest))),
      /receiptCommitment/,
    );
  });
  it('when a clerk of another department starts it, then it is refused', async () => {
    await receive();
    await dispatch();
    await expectRejected(
      world.submit(labourUnit, (ctx) => complaints.startComplaint(ctx, 'TS1')),
      /assigned to safety_station; a clerk of department labour cannot handle it/,
    );
  });
  it('when a received complaint is answered directly, then it is an illegal transition', async () => {
    await receive();
    await world.submit(dispatcher, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'housing', '2025-03-10'));
    await expectRejected(
      world.submit(dispatcher, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('a'))),
      /complaint TS1 cannot answer while dispatched \(allowed from: in_progress\)/,
    );
  });
  it('when it is escalated before the deadline, then it is refused; after the deadline, then it is escalated and can be re-dispatched', async () => {
    await receive();
    await dispatch();
    await expectRejected(
      world.submit(people.director, (ctx) => complaints.escalateComplaint(ctx, 'TS1')),
      /not overdue: its deadline 2025-03-10 has not passed/,
    );
    world.setTime('2025-03-11T02:00:00.000Z');
    await world.submit(supervision, (ctx) => complaints.escalateComplaint(ctx, 'TS1'));
    expect(c().status).to.equal('escalated');
    await world.submit(people.director, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'housing', '2025-03-14'));
    expect(c()).to.include({ status: 'dispatched', assignedUnit: 'housing', deadline: '2025-03-14' });
    const old = JSON.parse(
      await world.evaluate(people.auditor, (ctx) => complaints.listComplaintsByUnit(ctx, 'safety_station', '10', '')),
    );
    expect(old.records).to.have.length(0);
  });
  it('when a closed complaint is reopened, then it must be dispatched again', async () => {
    await answered();
    await world.submit(safetyUnit, (ctx) => complaints.closeComplaint(ctx, 'TS1'));
    await world.submit(safetyUnit, (ctx) => complaints.reopenComplaint(ctx, 'TS1', '噪音仍未解决'));
    expect(c().status).to.equal('reopened');
    await expectRejected(
      world.submit(safetyUnit, (ctx) => complaints.startComplaint(ctx, 'TS1')),
      /cannot start while reopened/,
    );
  });
  it("when the intake rates an answered complaint with the receipt's proof, then the rating is kept once and a second rating is refused", async () => {
    await receive();
    await expectRejected(
      world.submit(intake, (ctx) => complaints.rateComplaint(ctx, 'TS1', '5', PROOF)),
      /can be rated only once answered or closed/,
    );
    await dispatch();
    await world.submit(safetyUnit, (ctx) => complaints.startComplaint(ctx, 'TS1'));
    await world.submit(safetyUnit, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('a')));
    await world.submit(intake, (ctx) => complaints.rateComplaint(ctx, 'TS1', '4', PROOF));
    expect(c().rating.score).to.equal(4);
    await expectRejected(
      world.submit(intake, (ctx) => complaints.rateComplaint(ctx, 'TS1', '5', PROOF)),
      /already rated/,
    );
    await expectRejected(
      world.submit(intake, (ctx) => complaints.rateComplaint(ctx, 'TS2', '6', PROOF)),
      /complaint TS2 does not exist/,
    );
  });
  it('when a contractor or an auditor receives a complaint, then it is refused', async () => {
    await expectRejected(
      world.submit(people.contractor, (ctx) => complaints.receiveComplaint(ctx, json())),
      /access denied/,
    );
    await expectRejected(
      world.submit(identity('AuditMSP', 'a', { role: 'auditor' }), (ctx) => complaints.receiveComplaint(ctx, json())),
      /access denied/,
    );
  });

  describe('trust at every edge (issue 10: findings 4, 11, 12)', () => {
    it('when a Finance-bureau clerk dispatches, answers or closes a complaint, then each is refused as access denied and nothing changes', async () => {
      await receive();
      await expectRejected(
        world.submit(financeClerk, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'safety_station', '2025-03-10')),
        /^access denied: complaint\.dispatchComplaint is not allowed for role clerk in FinanceMSP/,
      );
      await dispatch();
      await world.submit(safetyUnit, (ctx) => complaints.startComplaint(ctx, 'TS1'));
      await expectRejected(
        world.submit(financeClerk, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('b'))),
        /^access denied: complaint\.answerComplaint is not allowed for role clerk in FinanceMSP/,
      );
      await world.submit(safetyUnit, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('a')));
      await expectRejected(
        world.submit(financeClerk, (ctx) => complaints.closeComplaint(ctx, 'TS1')),
        /^access denied: complaint\.closeComplaint is not allowed for role clerk in FinanceMSP/,
      );
      expect(c()).to.include({ status: 'answered', assignedUnit: 'safety_station', answerHash: HEX('a') });
    });
    it('when a Housing certificate carries the Finance department, then it cannot handle complaints either', async () => {
      const imposter = identity('HousingMSP', 'clerk-imposter', { role: 'clerk', dept: 'finance' });
      await receive();
      await expectRejected(
        world.submit(imposter, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'safety_station', '2025-03-10')),
        /^access denied: department finance is not a department of HousingMSP/,
      );
    });
    it('when a dispatcher assigns a unit that does not handle complaints, or a handling unit dispatches, then it is refused', async () => {
      await receive();
      await expectRejected(
        world.submit(dispatcher, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'water', '2025-03-10')),
        /unit must be a Housing department that handles complaints/,
      );
      await expectRejected(
        world.submit(dispatcher, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'finance', '2025-03-10')),
        /unit must be a Housing department that handles complaints/,
      );
      await expectRejected(
        world.submit(labourUnit, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'labour', '2025-03-10')),
        /^access denied: complaints are dispatched by the housing office, not by department labour/,
      );
      expect(c().status).to.equal('received');
    });
    it('when a Housing clerk of another unit closes or reopens an answered complaint, then it is refused (finding 11)', async () => {
      await answered();
      await expectRejected(
        world.submit(labourUnit, (ctx) => complaints.closeComplaint(ctx, 'TS1')),
        /complaint TS1 is assigned to safety_station; a clerk of department labour cannot handle it/,
      );
      await expectRejected(
        world.submit(dispatcher, (ctx) => complaints.closeComplaint(ctx, 'TS1')),
        /is assigned to safety_station; a clerk of department housing cannot handle it/,
      );
      await expectRejected(
        world.submit(labourUnit, (ctx) => complaints.reopenComplaint(ctx, 'TS1', '不满意')),
        /is assigned to safety_station/,
      );
      expect(c().status).to.equal('answered');
    });
    it("when a complaint is rated without the receipt's proof or with a wrong one, then it is refused and no rating is recorded", async () => {
      await answered();
      await expectRejected(
        world.submit(intake, (ctx) => complaints.rateComplaint(ctx, 'TS1', '1', HEX('8'))),
        /^access denied: the rating proof does not match the receipt of complaint TS1/,
      );
      await expectRejected(
        world.submit(intake, (ctx) => complaints.rateComplaint(ctx, 'TS1', '1', '')),
        /ratingProof must be 64 lower-case hex characters/,
      );
      await expectRejected(
        world.submit(intake, (ctx) => complaints.rateComplaint(ctx, 'TS1', '1', receiptCommitment('TS1', PROOF))),
        /^access denied: the rating proof does not match/,
      );
      expect(c().rating).to.equal(null);
    });
    it('when a handling clerk (even with the right proof) rates, then it is refused: only the intake desk rates', async () => {
      await answered();
      await expectRejected(
        world.submit(safetyUnit, (ctx) => complaints.rateComplaint(ctx, 'TS1', '5', PROOF)),
        /^access denied: department safety_station has no intake duty/,
      );
      expect(c().rating).to.equal(null);
    });
    it('when a clerk of a handling unit or of the dispatch office receives a complaint as if it were the intake, then it is refused', async () => {
      await expectRejected(
        world.submit(dispatcher, (ctx) => complaints.receiveComplaint(ctx, json())),
        /^access denied: department housing has no intake duty/,
      );
      await expectRejected(
        world.submit(safetyUnit, (ctx) => complaints.receiveComplaint(ctx, json())),
        /^access denied: department safety_station has no intake duty/,
      );
      await expectRejected(
        world.submit(identity('FinanceMSP', 'x', { role: 'clerk', dept: 'complaint_intake' }), (ctx) =>
          complaints.receiveComplaint(ctx, json()),
        ),
        /^access denied/,
      );
      expect(world.read('complaint', 'TS1')).to.equal(undefined);
    });
    it('when the intake or a handling unit escalates, then it is refused; the supervision desk and the dispatch office may', async () => {
      await receive();
      world.setTime('2025-03-12T02:00:00.000Z');
      await expectRejected(
        world.submit(intake, (ctx) => complaints.escalateComplaint(ctx, 'TS1')),
        /^access denied: department complaint_intake has no complaints duty/,
      );
      await expectRejected(
        world.submit(labourUnit, (ctx) => complaints.escalateComplaint(ctx, 'TS1')),
        /^access denied: complaints are escalated by the housing office/,
      );
      await expectRejected(
        world.submit(supervision, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'labour', '2025-03-14')),
        /^access denied: department complaint_supervision has no complaints duty/,
      );
      await world.submit(supervision, (ctx) => complaints.escalateComplaint(ctx, 'TS1'));
      expect(c().status).to.equal('escalated');
    });
  });
});
