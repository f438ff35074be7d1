import { expect } from 'chai';
import { World } from '../testing/fake-ledger';
import { HEX, people } from '../testing/people';
import {
  activeContract,
  application,
  approval,
  approvedProject,
  contractJson,
  documentJson,
  qualifiedContractor,
  sealFor,
  works,
  DEADLINE,
} from '../testing/scenario';
import { expectRejected } from '../testing/assert';
import { DocumentContract } from '../document/document-contract';
import { AnchorContract } from '../anchor/anchor-contract';
import { retentionOf } from './contract';

const milestonesOf = (world: World) => world.keysOf('milestone').length;

describe('contract contract (合同履约)', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await approvedProject(world);
  });
  const create = (json: string, who = people.housingClerk) =>
    world.submit(who, (ctx) => works.createContract(ctx, json));

  describe('creating a contract', () => {
    it('when milestones sum to the contract sum, then contract and milestones are stored and announced in one event', async () => {
      await create(contractJson());
      expect(world.read('contract', 'HT001')).to.include({
        sum: 1_000_000_000,
        retentionAmount: 30_000_000,
        originalSum: 1_000_000_000,
      });
      expect(world.read('milestone', 'HT001', 'M2')).to.include({ status: 'planned', amount: 300_000_000 });
      const event = world.lastEventJson();
      expect(event.type).to.equal('contract.created');
      expect(Object.keys(event.related)).to.deep.equal(['milestone:M1', 'milestone:M2', 'milestone:M3']);
    });
    it('when retention is above 3 %, then the contract is refused', async () => {
      await expectRejected(create(contractJson({ retentionPercent: 3.5 })), /retention 3.5% exceeds the 3% limit/);
      expect(world.read('contract', 'HT001')).to.equal(undefined);
    });
    it('when the milestones do not sum to the contract sum, then the contract is refused', async () => {
      await expectRejected(
        create(contractJson({ sum: 1_000_000_001 })),
        /milestone amounts sum to 1000000000 but the contract sum is 1000000001/,
      );
      expect(milestonesOf(world)).to.equal(0);
    });
    it('when the project is not approved, then the contract is refused', async () => {
      await world.submit(people.contractor, (ctx) =>
        approval.applyForProject(ctx, application({ id: 'P002' }), DEADLINE),
      );
      await expectRejected(
        create(contractJson({ id: 'HT002', projectId: 'P002' })),
        /project P002 is pre_review, not approved/,
      );
    });
    it("when the contractor is not the project's, then the contract is refused", async () => {
      await qualifiedContractor(world, 'C009');
      await expectRejected(
        create(contractJson({ contractorId: 'C009' })),
        /contractor C009 is not the contractor of project P001/,
      );
    });
    it('when a finance-bureau clerk creates a contract, then it is refused for wrong MSP', async () => {
      await expectRejected(create(contractJson(), people.financeClerk), /access denied: contract.createContract/);
    });
    it('when retention is 2.5 %, then retention is computed in whole fen', () => {
      expect(retentionOf(1_000_000_001, 2.5)).to.equal(25_000_000);
    });
  });

  describe('change orders', () => {
    beforeEach(async () => {
      await activeContract(world);
    });
    const change = {
      id: 'CO1',
      reason: '增加地下室防水',
      changes: [
        { milestoneId: 'M2', amount: 350_000_000 },
        { milestoneId: 'M4', name: '附属工程', plannedDate: '2026-05-31', amount: 100_000_000 },
      ],
    };

    it('when a change order names a new payee account, then the contract keeps its account until the director approves it (finding 3)', async () => {
      const payee = { name: '深圳市罗湖建设工程有限公司', account: '6222020200099999999' };
      await world.submit(people.contractor, (ctx) =>
        works.proposeChangeOrder(ctx, 'HT001', JSON.stringify({ id: 'CO9', reason: '开户行变更', changes: [], payee })),
      );
      expect(world.read('contract', 'HT001').payee.account).to.equal('6222020200012345678');
      await world.submit(people.director, (ctx) => works.approveChangeOrder(ctx, 'HT001', 'CO9', '同意变更收款账户'));
      expect(world.read('contract', 'HT001').payee).to.deep.equal(payee);
    });
    it('when a contract has no payee or a malformed account, or a change order changes nothing, then it is refused', async () => {
      await expectRejected(
        world.submit(people.contractor, (ctx) =>
          works.proposeChangeOrder(ctx, 'HT001', JSON.stringify({ id: 'CO8', reason: 'x', changes: [] })),
        ),
        /must change a milestone or the payee/,
      );
      await expectRejected(
        world.submit(people.contractor, (ctx) =>
          works.proposeChangeOrder(
            ctx,
            'HT001',
            JSON.stringify({ id: 'CO8', reason: 'x', changes: [], payee: { name: 'x', account: '12-34' } }),
          ),
        ),
        /payee.account must be 8 to 34 digits/,
      );
    });
    it('when a change order is approved, then milestones and the contract sum move together', async () => {
      await world.submit(people.contractor, (ctx) => works.proposeChangeOrder(ctx, 'HT001', JSON.stringify(change)));
      expect(world.read('changeOrder', 'HT001', 'CO1')).to.include({ status: 'proposed', delta: 150_000_000 });
      expect(world.read('contract', 'HT001').sum).to.equal(1_000_000_000);
      await world.submit(people.director, (ctx) => works.approveChangeOrder(ctx, 'HT001', 'CO1', '同意变更'));
      const contract = world.read('contract', 'HT001');
      expect(contract).to.include({ sum: 1_150_000_000, retentionAmount: 34_500_000 });
      expect(contract.milestoneIds).to.deep.equal(['M1', 'M2', 'M3', 'M4']);
      const total = contract.milestoneIds.reduce(
        (acc: number, id: string) => acc + world.read('milestone', 'HT001', id).amount,
        0,
      );
      expect(total).to.equal(contract.sum);
      expect(world.lastEventJson().related.contract.sum).to.equal(1_150_000_000);
    });
    it('when a contractor tries to approve a change order, then it is refused', async () => {
      await world.submit(people.contractor, (ctx) => works.proposeChangeOrder(ctx, 'HT001', JSON.stringify(change)));
      await expectRejected(
        world.submit(people.contractor, (ctx) => works.approveChangeOrder(ctx, 'HT001', 'CO1', 'self')),
        /access denied: contract.approveChangeOrder/,
      );
    });
    it('when a change order is rejected, then it cannot be approved afterwards', async () => {
      await world.submit(people.contractor, (ctx) => works.proposeChangeOrder(ctx, 'HT001', JSON.stringify(change)));
      await world.submit(people.director, (ctx) => works.rejectChangeOrder(ctx, 'HT001', 'CO1', '理由不足'));
      await expectRejected(
        world.submit(people.director, (ctx) => works.approveChangeOrder(ctx, 'HT001', 'CO1', 'ok')),
        /change order CO1 of contract HT001 is already rejected/,
      );
    });
    it('when a change touches an accepted milestone, then it is refused', async () => {
      await world.submit(people.inspector, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M1', ''));
      await expectRejected(
        world.submit(people.contractor, (ctx) =>
          works.proposeChangeOrder(
            ctx,
            'HT001',
            JSON.stringify({ id: 'CO2', reason: 'x', changes: [{ milestoneId: 'M1', amount: 1 }] }),
          ),
        ),
        /milestone M1 is already accepted and cannot change/,
      );
    });
    it('when a new milestone has no planned date, then it is refused', async () => {
      await expectRejected(
        world.submit(people.contractor, (ctx) =>
          works.proposeChangeOrder(
            ctx,
            'HT001',
            JSON.stringify({ id: 'CO3', reason: 'x', changes: [{ milestoneId: 'M9', amount: 5 }] }),
          ),
        ),
        /new milestone M9 needs a name and a plannedDate/,
      );
    });
  });

  describe('progress, acceptance, delays and breaches', () => {
    beforeEach(async () => {
      await activeContract(world);
    });
    it("when progress is reported on a milestone, then the report and the milestone's latest progress are recorded", async () => {
      await world.submit(people.contractor, (ctx) =>
        works.reportProgress(
          ctx,
          'HT001',
          JSON.stringify({
            id: 'R1',
            milestoneId: 'M1',
            plannedPercent: 60,
            actualPercent: 45,
            reportDate: '2025-05-15',
          }),
        ),
      );
      expect(world.read('progressReport', 'HT001', 'R1')).to.include({ deviation: -15 });
      expect(world.read('milestone', 'HT001', 'M1').latestProgress).to.deep.equal({
        plannedPercent: 60,
        actualPercent: 45,
        reportDate: '2025-05-15',
      });
    });
    it('when an inspector accepts a milestone, then it is accepted once and only once', async () => {
      await world.submit(people.inspector, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M1', ''));
      expect(world.read('milestone', 'HT001', 'M1')).to.include({ status: 'accepted', acceptanceReport: null });
      expect(world.lastEvent.name).to.equal('contract.milestone_accepted');
      await expectRejected(
        world.submit(people.inspector, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M1', '')),
        /milestone M1 of contract HT001 is already accepted/,
      );
    });
    it('when a director or a contractor tries to accept a milestone, then it is refused: only inspectors accept', async () => {
      await expectRejected(
        world.submit(people.director, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M1', '')),
        /access denied: contract.acceptMilestone/,
      );
      await expectRejected(
        world.submit(people.contractor, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M1', '')),
        /access denied: contract.acceptMilestone/,
      );
    });
    it('when the acceptance names an anchored acceptance report, then it is linked; a revoked one is refused', async () => {
      const documents = new DocumentContract();
      await sealFor(world, people.inspector, HEX('7'));
      await world.submit(people.inspector, (ctx) => documents.anchorDocument(ctx, documentJson(HEX('a'), HEX('7'))));
      await world.submit(people.inspector, (ctx) => documents.anchorDocument(ctx, documentJson(HEX('b'), HEX('7'))));
      await world.submit(people.inspector, (ctx) => documents.revokeDocument(ctx, HEX('b'), 'wrong file'));
      await expectRejected(
        world.submit(people.inspector, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M1', HEX('b'))),
        /is not an active acceptance report/,
      );
      await world.submit(people.inspector, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M1', HEX('a')));
      expect(world.read('milestone', 'HT001', 'M1').acceptanceReport).to.equal(HEX('a'));
    });
    it('when an inspector attaches an anchored batch of photos, then the milestone names it, once; other kinds, roles and custodial keys are refused', async () => {
      const anchors = new AnchorContract();
      const root = HEX('c');
      await world.submit(people.inspector, (ctx) => anchors.anchorBatch(ctx, 'PH-1', root, '12', 'photos'));
      await world.submit(people.inspector, (ctx) => anchors.anchorBatch(ctx, 'LOG-1', root, '3', 'sensor-log'));
      await world.submit(people.inspector, (ctx) => works.attachMilestonePhotos(ctx, 'HT001', 'M1', 'PH-1'));
      expect(world.read('milestone', 'HT001', 'M1').photoBatches).to.deep.equal(['PH-1']);
      expect(world.lastEvent.name).to.equal('contract.milestone_photos_attached');
      await expectRejected(
        world.submit(people.inspector, (ctx) => works.attachMilestonePhotos(ctx, 'HT001', 'M1', 'PH-1')),
        /already attached/,
      );
      await expectRejected(
        world.submit(people.inspector, (ctx) => works.attachMilestonePhotos(ctx, 'HT001', 'M1', 'LOG-1')),
        /holds sensor-log, not photos/,
      );
      await expectRejected(
        world.submit(people.inspector, (ctx) => works.attachMilestonePhotos(ctx, 'HT001', 'M1', 'PH-404')),
        /batch PH-404 does not exist/,
      );
      for (const who of [people.contractor, people.housingClerk, people.custodialInspector])
        await expectRejected(
          world.submit(who, (ctx) => works.attachMilestonePhotos(ctx, 'HT001', 'M2', 'PH-1')),
          /contract.attachMilestonePhotos|custod/,
        );
      expect(world.read('milestone', 'HT001', 'M2').photoBatches).to.equal(undefined);
    });
    it('when a milestone does not exist, then acceptance says so', async () => {
      await expectRejected(
        world.submit(people.inspector, (ctx) => works.acceptMilestone(ctx, 'HT001', 'M9', '')),
        /milestone M9 of contract HT001 does not exist/,
      );
    });
    it('when delays and breaches are recorded, then each is kept once and listed by contract', async () => {
      await world.submit(people.inspector, (ctx) =>
        works.recordDelay(ctx, 'HT001', JSON.stringify({ id: 'D1', milestoneId: 'M2', days: 20, cause: '台风停工' })),
      );
      await world.submit(people.director, (ctx) =>
        works.recordBreach(
          ctx,
          'HT001',
          JSON.stringify({
            id: 'B1',
            party: 'contractor',
            clause: '14.2',
            description: '未按期提交施工方案',
            penalty: 50_000,
          }),
        ),
      );
      expect(world.lastEvent.name).to.equal('contract.breach_recorded');
      await expectRejected(
        world.submit(people.inspector, (ctx) =>
          works.recordDelay(ctx, 'HT001', JSON.stringify({ id: 'D1', milestoneId: 'M2', days: 1, cause: 'x' })),
        ),
        /delay record D1 of contract HT001 already exists/,
      );
      const page = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => works.listByContract(ctx, 'HT001', 'incidents', '10', '')),
      );
      expect(page.records.map((r: { kind: string }) => r.kind)).to.deep.equal(['breach', 'delay']);
    });
    it('when listing milestones with page size 2, then two pages cover all three', async () => {
      const first = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => works.listByContract(ctx, 'HT001', 'milestones', '2', '')),
      );
      const second = JSON.parse(
        await world.evaluate(people.auditor, (ctx) =>
          works.listByContract(ctx, 'HT001', 'milestones', '2', first.bookmark),
        ),
      );
      expect([...first.records, ...second.records].map((m: { id: string }) => m.id)).to.deep.equal(['M1', 'M2', 'M3']);
    });
  });
});
