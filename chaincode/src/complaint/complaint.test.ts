import { expect } from 'chai';
import { World, identity } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import { expectRejected } from '../testing/assert';
import { ComplaintContract } from './complaint-contract';

const complaints = new ComplaintContract();
const safetyUnit = people.safetyClerk; // dept housing-safety
const json = (extra: object = {}) => JSON.stringify({ id: 'TS1', contentHash: HEX('f'), category: 'noise', location: '罗湖区 东门街道', deadline: '2025-03-10', ...extra });

describe('complaint contract (公众投诉)', () => {
    let world: World;
    beforeEach(() => { world = new World('2025-03-03T01:00:00.000Z'); });
    const receive = () => world.submit(people.housingClerk, (ctx) => complaints.receiveComplaint(ctx, json()));
    const dispatch = () => world.submit(people.housingClerk, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'housing-safety', '2025-03-10'));
    const c = () => world.read('complaint', 'TS1');

    it('when a complaint goes received → dispatched → in_progress → answered → closed, then the history lists every step', async () => {
        await receive();
        await dispatch();
        await world.submit(safetyUnit, (ctx) => complaints.startComplaint(ctx, 'TS1'));
        await world.submit(safetyUnit, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('a')));
        await world.submit(people.housingClerk, (ctx) => complaints.closeComplaint(ctx, 'TS1'));
        expect(c().history.map((h: { status: string }) => h.status)).to.deep.equal(['received', 'dispatched', 'in_progress', 'answered', 'closed']);
        expect(c()).to.include({ assignedUnit: 'housing-safety', answerHash: HEX('a') });
        const byUnit = JSON.parse(await world.evaluate(people.auditor, (ctx) => complaints.listComplaintsByUnit(ctx, 'housing-safety', '10', '')));
        expect(byUnit.records).to.have.length(1);
    });
    it('when the complaint carries a phone number or a street address with digits, then it is refused', async () => {
        await expectRejected(world.submit(people.housingClerk, (ctx) => complaints.receiveComplaint(ctx, json({ phone: '13800000000' }))), /unknown field\(s\): phone/);
        await expectRejected(world.submit(people.housingClerk, (ctx) => complaints.receiveComplaint(ctx, json({ location: '东门路88号3栋' }))), /coarse place name/);
    });
    it('when a clerk of another department starts it, then it is refused', async () => {
        await receive();
        await dispatch();
        await expectRejected(world.submit(people.housingClerk, (ctx) => complaints.startComplaint(ctx, 'TS1')), /assigned to housing-safety; a clerk of department housing cannot handle it/);
    });
    it('when a received complaint is answered directly, then it is an illegal transition', async () => {
        await receive();
        await world.submit(people.housingClerk, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'housing', '2025-03-10'));
        await expectRejected(world.submit(people.housingClerk, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('a'))), /complaint TS1 cannot answer while dispatched \(allowed from: in_progress\)/);
    });
    it('when it is escalated before the deadline, then it is refused; after the deadline, then it is escalated and can be re-dispatched', async () => {
        await receive();
        await dispatch();
        await expectRejected(world.submit(people.director, (ctx) => complaints.escalateComplaint(ctx, 'TS1')), /not overdue: its deadline 2025-03-10 has not passed/);
        world.setTime('2025-03-11T02:00:00.000Z');
        await world.submit(people.director, (ctx) => complaints.escalateComplaint(ctx, 'TS1'));
        expect(c().status).to.equal('escalated');
        await world.submit(people.director, (ctx) => complaints.dispatchComplaint(ctx, 'TS1', 'housing', '2025-03-14'));
        expect(c()).to.include({ status: 'dispatched', assignedUnit: 'housing', deadline: '2025-03-14' });
        const old = JSON.parse(await world.evaluate(people.auditor, (ctx) => complaints.listComplaintsByUnit(ctx, 'housing-safety', '10', '')));
        expect(old.records).to.have.length(0);
    });
    it('when a closed complaint is reopened, then it must be dispatched again', async () => {
        await receive();
        await dispatch();
        await world.submit(safetyUnit, (ctx) => complaints.startComplaint(ctx, 'TS1'));
        await world.submit(safetyUnit, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('a')));
        await world.submit(people.housingClerk, (ctx) => complaints.closeComplaint(ctx, 'TS1'));
        await world.submit(people.housingClerk, (ctx) => complaints.reopenComplaint(ctx, 'TS1', '噪音仍未解决'));
        expect(c().status).to.equal('reopened');
        await expectRejected(world.submit(safetyUnit, (ctx) => complaints.startComplaint(ctx, 'TS1')), /cannot start while reopened/);
    });
    it('when an answered complaint is rated, then the rating is kept once and a second rating is refused', async () => {
        await receive();
        await expectRejected(world.submit(people.housingClerk, (ctx) => complaints.rateComplaint(ctx, 'TS1', '5')), /can be rated only once answered or closed/);
        await dispatch();
        await world.submit(safetyUnit, (ctx) => complaints.startComplaint(ctx, 'TS1'));
        await world.submit(safetyUnit, (ctx) => complaints.answerComplaint(ctx, 'TS1', HEX('a')));
        await world.submit(people.housingClerk, (ctx) => complaints.rateComplaint(ctx, 'TS1', '4'));
        expect(c().rating.score).to.equal(4);
        await expectRejected(world.submit(people.housingClerk, (ctx) => complaints.rateComplaint(ctx, 'TS1', '5')), /already rated/);
        await expectRejected(world.submit(people.housingClerk, (ctx) => complaints.rateComplaint(ctx, 'TS2', '6')), /complaint TS2 does not exist/);
    });
    it('when a contractor or an auditor receives a complaint, then it is refused', async () => {
        await expectRejected(world.submit(people.contractor, (ctx) => complaints.receiveComplaint(ctx, json())), /access denied/);
        await expectRejected(world.submit(identity('AuditMSP', 'a', { role: 'auditor' }), (ctx) => complaints.receiveComplaint(ctx, json())), /access denied/);
    });
});
