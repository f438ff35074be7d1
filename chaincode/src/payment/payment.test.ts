import { expect } from 'chai';
import { EndorsementPolicyFailure, World } from '../testing/fake-ledger';
import { people } from '../testing/people';
import { acceptedMilestone, activeContract, approvedProject, qualifiedContractor, works } from '../testing/scenario';
import { expectNotCommitted, expectRejected } from '../testing/assert';
import { PaymentContract } from './payment-contract';

const payment = new PaymentContract();
const request = (id: string, milestoneId: string, amount: number, contractId = 'HT001') =>
  JSON.stringify({ id, contractId, milestoneId, amount });

describe('payment contract (资金拨付)', () => {
  let world: World;
  beforeEach(async () => {
    world = new World();
    await qualifiedContractor(world);
    await approvedProject(world); // budget 2000万元
    await activeContract(world); // 1000万元, 3 % retention → at most 970万元 payable
    await acceptedMilestone(world, 'M1');
  });
  const requestPayout = (json: string, who = people.finance) =>
    world.submit(who, (ctx) => payment.requestPayout(ctx, json));
  const approve = (id: string, endorsers?: string[]) =>
    world.submit(people.director, (ctx) => payment.approvePayout(ctx, id), endorsers);
  /** Approved, then instructed to the bank by a Finance officer (instruction `<id>.r1`). */
  const approveAndInstruct = async (id: string) => {
    await approve(id);
    await world.submit(people.finance, (ctx) => payment.instructTransfer(ctx, id, `${id}.r1`));
  };

  describe('requesting', () => {
    it('when finance requests a payout for an accepted milestone, then it is stored under a Housing+Finance key policy', async () => {
      const result = JSON.parse(await requestPayout(request('PAY1', 'M1', 300_000_000)));
      expect(result.outcome).to.equal('requested');
      expect(world.read('payout', 'PAY1')).to.include({ status: 'requested', amount: 300_000_000, projectId: 'P001' });
      const policy = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => payment.readPayoutEndorsement(ctx, 'PAY1')),
      );
      expect(policy).to.deep.equal({ payoutId: 'PAY1', role: 'PEER', orgs: ['FinanceMSP', 'HousingMSP'] });
      expect(world.lastEvent.name).to.equal('payment.requested');
    });
    it('when the milestone is not accepted, then the request is refused', async () => {
      await expectRejected(
        requestPayout(request('PAY1', 'M2', 1)),
        /milestone M2 of contract HT001 is planned, not accepted/,
      );
    });
    it('when a Housing identity with role finance requests, then it is refused: payouts are triggered in FinanceMSP', async () => {
      await expectRejected(
        requestPayout(request('PAY1', 'M1', 1), people.housingFinance),
        /access denied: payment.requestPayout/,
      );
    });
    it('when a finance-bureau clerk requests, then it is refused for wrong role', async () => {
      await expectRejected(
        requestPayout(request('PAY1', 'M1', 1), people.financeClerk),
        /access denied: payment.requestPayout is not allowed for role clerk/,
      );
    });
    it('when the payout id is reused, then the request is refused', async () => {
      await requestPayout(request('PAY1', 'M1', 100));
      await expectRejected(requestPayout(request('PAY1', 'M1', 100)), /payout PAY1 already exists/);
    });
  });

  describe('overpayment', () => {
    it('when a payout exceeds the milestone amount, then no payout is written and an alert is committed', async () => {
      const result = JSON.parse(await requestPayout(request('PAY1', 'M1', 300_000_001)));
      expect(result.outcome).to.equal('refused');
      expect(result.alert).to.include({
        rule: 'milestone_amount',
        payoutId: 'PAY1',
        limit: 300_000_000,
        alreadyCommitted: 0,
      });
      expect(world.read('payout', 'PAY1')).to.equal(undefined);
      expect(world.keysOf('paymentAlert')).to.have.length(1);
      expect(world.lastEvent.name).to.equal('payment.overpayment_refused');
      const alerts = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => payment.listPaymentAlerts(ctx, 'HT001', '10', '')),
      );
      expect(alerts.records[0].detail).to.match(/payout PAY1 of 300000001 refused/);
    });
    it('when cumulative payouts would pass the contract sum less retention, then the last one is refused and alerted', async () => {
      await acceptedMilestone(world, 'M2');
      await acceptedMilestone(world, 'M3');
      await requestPayout(request('PAY1', 'M1', 300_000_000));
      await requestPayout(request('PAY2', 'M2', 300_000_000));
      const refused = JSON.parse(await requestPayout(request('PAY3', 'M3', 400_000_000)));
      expect(refused.alert).to.include({
        rule: 'contract_sum_less_retention',
        limit: 970_000_000,
        alreadyCommitted: 600_000_000,
      });
      const ok = JSON.parse(await requestPayout(request('PAY3', 'M3', 370_000_000)));
      expect(ok.outcome).to.equal('requested');
    });
    it('when a change order raised the sum, then the cap follows the new sum', async () => {
      await world.submit(people.contractor, (ctx) =>
        works.proposeChangeOrder(
          ctx,
          'HT001',
          JSON.stringify({ id: 'CO1', reason: '增项', changes: [{ milestoneId: 'M3', amount: 500_000_000 }] }),
        ),
      );
      await world.submit(people.director, (ctx) => works.approveChangeOrder(ctx, 'HT001', 'CO1', '同意'));
      await acceptedMilestone(world, 'M2');
      await acceptedMilestone(world, 'M3');
      await requestPayout(request('PAY1', 'M1', 300_000_000));
      await requestPayout(request('PAY2', 'M2', 300_000_000));
      const result = JSON.parse(await requestPayout(request('PAY3', 'M3', 467_000_000))); // 1100万 − 33万 = 1067万
      expect(result.outcome).to.equal('requested');
    });
    it('when payouts across contracts would pass the project budget, then the request is refused and alerted', async () => {
      await world.submit(people.housingClerk, (ctx) =>
        works.createContract(
          ctx,
          JSON.stringify({
            id: 'HT002',
            projectId: 'P001',
            title: '二标段',
            employer: '罗湖区建筑工务署',
            contractorId: 'C001',
            payee: { name: '深圳市罗湖建设工程有限公司', account: '6222020200012345678' },
            sum: 1_800_000_000,
            retentionPercent: 0,
            milestones: [{ id: 'M1', name: '全部', plannedDate: '2025-12-31', amount: 1_800_000_000 }],
          }),
        ),
      );
      await acceptedMilestone(world, 'M1', 'HT002');
      await requestPayout(request('PAY1', 'M1', 300_000_000));
      const result = JSON.parse(await requestPayout(request('PAY2', 'M1', 1_800_000_000, 'HT002')));
      expect(result.alert).to.include({ rule: 'project_budget', limit: 2_000_000_000, alreadyCommitted: 300_000_000 });
    });
    it('when a payout is rejected, then its amount no longer counts against the caps', async () => {
      await requestPayout(request('PAY1', 'M1', 300_000_000));
      await world.submit(people.finance, (ctx) => payment.rejectPayout(ctx, 'PAY1', '发票有误'));
      expect(JSON.parse(await requestPayout(request('PAY2', 'M1', 300_000_000))).outcome).to.equal('requested');
    });
  });

  describe('two-bureau approval and bank confirmation', () => {
    beforeEach(async () => {
      await requestPayout(request('PAY1', 'M1', 300_000_000));
    });

    it('when the approval is endorsed by Housing alone, then it is not committed', async () => {
      const err = await expectNotCommitted(approve('PAY1', ['HousingMSP']), /ENDORSEMENT_POLICY_FAILURE.*FinanceMSP/);
      expect(err).to.be.instanceOf(EndorsementPolicyFailure);
      expect(world.read('payout', 'PAY1').status).to.equal('requested');
    });
    it('when the approval is endorsed by Finance alone, then it is not committed', async () => {
      await expectNotCommitted(approve('PAY1', ['FinanceMSP', 'AuditMSP']), /ENDORSEMENT_POLICY_FAILURE.*HousingMSP/);
      expect(world.read('payout', 'PAY1').status).to.equal('requested');
    });
    it('when approved with both bureaus endorsing and the bank confirms, then it is paid; a second confirmation is refused', async () => {
      await approve('PAY1', ['HousingMSP', 'FinanceMSP']);
      await world.submit(people.finance, (ctx) => payment.instructTransfer(ctx, 'PAY1', 'PAY1.r1'));
      expect(world.read('payout', 'PAY1').status).to.equal('approved');
      await world.submit(
        people.settlement,
        (ctx) => payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC20250601001', '300000000'),
        ['HousingMSP', 'FinanceMSP'],
      );
      expect(world.read('payout', 'PAY1')).to.deep.include({ status: 'paid' });
      expect(world.read('payout', 'PAY1').bankConfirmation).to.include({
        reference: 'BOC20250601001',
        amount: 300_000_000,
      });
      expect(world.lastEvent.name).to.equal('payment.bank_confirmed');
      await expectRejected(
        world.submit(people.settlement, (ctx) =>
          payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC20250601002', '300000000'),
        ),
        /payout PAY1 already has bank confirmation BOC20250601001; a second confirmation is refused/,
      );
    });
    it('when the bank confirmation is endorsed by Finance alone, then it is not committed', async () => {
      await approveAndInstruct('PAY1');
      await expectNotCommitted(
        world.submit(
          people.settlement,
          (ctx) => payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '300000000'),
          ['FinanceMSP'],
        ),
        /ENDORSEMENT_POLICY_FAILURE/,
      );
      expect(world.read('payout', 'PAY1').status).to.equal('approved');
      expect(world.read('bankReference', 'BOC1')).to.equal(undefined);
    });
    it('when the confirmed amount differs, then the confirmation is refused', async () => {
      await approveAndInstruct('PAY1');
      await expectRejected(
        world.submit(people.settlement, (ctx) =>
          payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '299999999'),
        ),
        /differs from the payout amount 300000000/,
      );
    });
    it('when the bank confirms a payout not yet approved, then it is refused', async () => {
      await expectRejected(
        world.submit(people.settlement, (ctx) =>
          payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '300000000'),
        ),
        /payout PAY1 is requested and cannot be confirmed as paid/,
      );
    });
    it('when a bank reference is reused for another payout, then it is refused', async () => {
      await acceptedMilestone(world, 'M2');
      await requestPayout(request('PAY2', 'M2', 100));
      await approveAndInstruct('PAY1');
      await approveAndInstruct('PAY2');
      await world.submit(people.settlement, (ctx) =>
        payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '300000000'),
      );
      await expectRejected(
        world.submit(people.settlement, (ctx) => payment.confirmBankPayment(ctx, 'PAY2', 'PAY2.r1', 'BOC1', '100')),
        /bank reference BOC1 already confirms payout PAY1/,
      );
    });
    it("when a Finance officer instructs the transfer, then the instruction carries the amount and the contract's payee from the ledger", async () => {
      await approve('PAY1');
      const payout = JSON.parse(
        await world.submit(people.finance, (ctx) => payment.instructTransfer(ctx, 'PAY1', 'PAY1.r1')),
      );
      expect(payout.transfer).to.deep.include({
        instructionId: 'PAY1.r1',
        amount: 300_000_000,
        payee: { name: '深圳市罗湖建设工程有限公司', account: '6222020200012345678' },
      });
      expect(world.lastEvent.name).to.equal('payment.transfer_instructed');
    });
    it('when a "finance" user of another bureau, the settlement desk or a director instructs a transfer, then it is refused (finding 3)', async () => {
      await approve('PAY1');
      for (const who of [people.housingFinance, people.settlement, people.director]) {
        await expectRejected(
          world.submit(who, (ctx) => payment.instructTransfer(ctx, 'PAY1', 'PAY1.r1')),
          /access denied/,
        );
      }
      expect(world.read('payout', 'PAY1').transfer).to.equal(undefined);
    });
    it('when a payout not yet approved is instructed, then it is refused', async () => {
      await expectRejected(
        world.submit(people.finance, (ctx) => payment.instructTransfer(ctx, 'PAY1', 'PAY1.r1')),
        /payout PAY1 is requested and cannot be sent to the bank/,
      );
    });
    it('when a finance officer other than the settlement desk confirms a payment, then it is refused (finding 12)', async () => {
      await approveAndInstruct('PAY1');
      await expectRejected(
        world.submit(people.finance, (ctx) => payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '300000000')),
        /access denied: department finance has no settlement duty/,
      );
      expect(world.read('payout', 'PAY1').status).to.equal('approved');
    });
    it('when the bank confirms without an instruction or names another instruction, then it is refused and the payout stays unpaid (finding 2)', async () => {
      await approve('PAY1');
      await expectRejected(
        world.submit(people.settlement, (ctx) =>
          payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '300000000'),
        ),
        /no transfer was instructed/,
      );
      await world.submit(people.finance, (ctx) => payment.instructTransfer(ctx, 'PAY1', 'PAY1.r2'));
      await expectRejected(
        world.submit(people.settlement, (ctx) =>
          payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '300000000'),
        ),
        /current instruction is PAY1.r2/,
      );
      expect(world.read('payout', 'PAY1').status).to.equal('approved');
      expect(world.read('bankReference', 'BOC1')).to.equal(undefined);
    });
    it('when a contractor or finance tries to approve, then it is refused', async () => {
      await expectRejected(
        world.submit(people.contractor, (ctx) => payment.approvePayout(ctx, 'PAY1')),
        /access denied: payment.approvePayout/,
      );
      await expectRejected(
        world.submit(people.finance, (ctx) => payment.approvePayout(ctx, 'PAY1')),
        /access denied: payment.approvePayout/,
      );
    });
    it('when a paid payout is rejected, then it is an illegal transition', async () => {
      await approveAndInstruct('PAY1');
      await world.submit(people.settlement, (ctx) =>
        payment.confirmBankPayment(ctx, 'PAY1', 'PAY1.r1', 'BOC1', '300000000'),
      );
      await expectRejected(
        world.submit(people.director, (ctx) => payment.rejectPayout(ctx, 'PAY1', 'late')),
        /payout PAY1 is paid and cannot be rejected/,
      );
    });
    it('when payouts are listed by status, then the index follows each transition', async () => {
      await approveAndInstruct('PAY1');
      const approved = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => payment.listPayoutsByStatus(ctx, 'approved', '10', '')),
      );
      const requested = JSON.parse(
        await world.evaluate(people.auditor, (ctx) => payment.listPayoutsByStatus(ctx, 'requested', '10', '')),
      );
      expect(approved.records.map((p: { id: string }) => p.id)).to.deep.equal(['PAY1']);
      expect(requested.records).to.deep.equal([]);
    });
  });
});
