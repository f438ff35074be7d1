import { expect } from 'chai';
import {
  approvedProject,
  AUDIT,
  eventsOf,
  expectQueryFails,
  expectRefused,
  FINANCE,
  HOUSING,
  openCast,
  People,
  qualifiedContractor,
  uid,
} from './support';

const VALID = 0;
const ENDORSEMENT_POLICY_FAILURE = 10;

/** Contract, milestones, inspector acceptance and payouts (资金拨付) under the two-bureau rule, on real peers. */
describe('contract, milestone acceptance and payout on the network (合同履约 / 资金拨付)', function () {
  this.timeout(180_000);
  let people: People;
  let projectId: string;
  const contractId = uid('HT');
  const payoutId = uid('PAY');
  const secondPayoutId = uid('PAY');

  before(async () => {
    people = await openCast();
    projectId = await approvedProject(people, await qualifiedContractor(people));
  });
  after(() => people?.close());

  const payout = () => people.auditor.evaluate('payment', 'readPayout', payoutId);
  const request = (id: string, milestoneId: string, amount: number) =>
    people.finance.submit('payment', 'requestPayout', [JSON.stringify({ id, contractId, milestoneId, amount })]);

  it('when a Housing clerk creates a contract of 1万元 with 3 % retention and two milestones, then both milestones are planned and it has no payment alert', async () => {
    const contractorId = (await people.auditor.evaluate('approval', 'readProject', projectId)).contractorId;
    const created = await people.clerk.submit('contract', 'createContract', [
      JSON.stringify({
        id: contractId,
        projectId,
        title: '施工总承包合同',
        employer: '罗湖区建筑工务署',
        contractorId,
        payee: { name: '罗湖建设工程有限公司', account: '6222020200012345678' },
        sum: 1_000_000,
        retentionPercent: 3,
        milestones: [
          { id: 'M1', name: '基础工程', plannedDate: '2026-06-30', amount: 400_000 },
          { id: 'M2', name: '主体结构', plannedDate: '2026-12-31', amount: 600_000 },
        ],
      }),
    ]);
    expect(created.result).to.include({ sum: 1_000_000, retentionAmount: 30_000 });
    const page = await people.finance.evaluate('contract', 'listByContract', contractId, 'milestones', '10', '');
    expect(page.records.map((m: { id: string; status: string }) => [m.id, m.status])).to.deep.equal([
      ['M1', 'planned'],
      ['M2', 'planned'],
    ]);
    expect(await people.auditor.evaluate('payment', 'listPaymentAlerts', contractId, '10', '')).to.deep.equal({
      records: [],
      fetched: 0,
      bookmark: '',
    });
  });

  it('when finance requests a payout for a milestone not yet accepted, then it is refused', async () => {
    await expectRefused(
      people.finance.submitRaw('payment', 'requestPayout', [
        JSON.stringify({ id: uid('PAY'), contractId, milestoneId: 'M1', amount: 1 }),
      ]),
      new RegExp(`milestone M1 of contract ${contractId} is planned, not accepted`),
    );
  });

  it('when the Housing inspector accepts milestone M1, then it is accepted by the inspector', async () => {
    const accepted = await people.inspector.submit('contract', 'acceptMilestone', [contractId, 'M1', '']);
    expect(accepted.result).to.include({ status: 'accepted', acceptanceReport: null });
    expect(accepted.result.acceptedBy).to.include({ mspId: HOUSING, role: 'inspector' });
  });

  it('when finance requests a payout for the accepted milestone, then it is requested under a Housing+Finance key-level policy', async () => {
    const requested = await request(payoutId, 'M1', 400_000);
    expect(requested.result.outcome).to.equal('requested');
    expect(requested.result.payout).to.include({ id: payoutId, status: 'requested', amount: 400_000 });
    expect(await people.auditor.evaluate('payment', 'readPayoutEndorsement', payoutId)).to.deep.equal({
      payoutId,
      role: 'PEER',
      orgs: [FINANCE, HOUSING],
    });
  });

  it("when the approval is endorsed by Housing + Audit (a channel MAJORITY, but not the payout key's policy), then it commits ENDORSEMENT_POLICY_FAILURE and the payout stays requested", async () => {
    const housingAudit = await people.director.submitRaw('payment', 'approvePayout', [payoutId], [HOUSING, AUDIT]);
    expect(housingAudit.code).to.equal(ENDORSEMENT_POLICY_FAILURE);
    expect(housingAudit.successful).to.equal(false);
    expect(housingAudit.result.status, 'the endorsers did simulate an approval').to.equal('approved');
    expect(await payout()).to.include({ status: 'requested' });
    expect((await payout()).approvedBy).to.equal(undefined);

    const financeAudit = await people.director.submitRaw('payment', 'approvePayout', [payoutId], [FINANCE, AUDIT]);
    expect(financeAudit.code).to.equal(ENDORSEMENT_POLICY_FAILURE);
    expect(await payout()).to.include({ status: 'requested' });
    const requested = await people.auditor.listAll<{ id: string }>('payment', 'listPayoutsByStatus', 'requested');
    expect(requested.map((p) => p.id)).to.include(payoutId);

    // Fabric delivers no chaincode event for an invalid transaction: a read model never sees these approvals.
    const marker = await people.clerk.submit('anchor', 'anchorBatch', [uid('B'), '0'.repeat(64), '1', 'marker']);
    const events = await eventsOf(
      people.director.network,
      housingAudit.blockNumber,
      [marker.txId],
      [housingAudit.txId, financeAudit.txId],
    );
    expect(events.map((e) => e.txId)).to.deep.equal([marker.txId]);
  });

  it('when the approval is endorsed by Housing + Finance, then it commits VALID and the payout is approved by the director', async () => {
    const approved = await people.director.submitRaw('payment', 'approvePayout', [payoutId], [HOUSING, FINANCE]);
    expect(approved.code).to.equal(VALID);
    expect(await payout()).to.include({ status: 'approved' });
    expect((await payout()).approvedBy).to.include({ mspId: HOUSING, role: 'director' });
    const [event] = await eventsOf(people.finance.network, approved.blockNumber, [approved.txId]);
    expect(event).to.include({ name: 'payment.approved' });
    expect(event.payload).to.deep.include({
      type: 'payment.approved',
      txId: approved.txId,
      ids: { payoutId, contractId, milestoneId: 'M1', projectId, status: 'approved' },
    });
  });

  it("when a Finance officer instructs the transfer, then the ledger records the contract's payee; the settlement desk cannot instruct", async () => {
    await expectRefused(
      people.settlement.submitRaw('payment', 'instructTransfer', [payoutId, `${payoutId}.r1`], [FINANCE, HOUSING]),
      /access denied/,
    );
    const instructed = await people.finance.submit(
      'payment',
      'instructTransfer',
      [payoutId, `${payoutId}.r1`],
      [FINANCE, HOUSING],
    );
    expect(instructed.result.transfer).to.deep.include({
      instructionId: `${payoutId}.r1`,
      amount: 400_000,
      payee: { name: '罗湖建设工程有限公司', account: '6222020200012345678' },
    });
  });

  it('when the bank confirmation is endorsed without Housing, then it is not committed either', async () => {
    const tx = await people.settlement.submitRaw(
      'payment',
      'confirmBankPayment',
      [payoutId, `${payoutId}.r1`, uid('BANK'), '400000'],
      [FINANCE, AUDIT],
    );
    expect(tx.code).to.equal(ENDORSEMENT_POLICY_FAILURE);
    expect(await payout()).to.include({ status: 'approved' });
  });

  it('when the bank confirms the payout, then it is paid once; a second confirmation and a wrong amount are refused', async () => {
    const reference = uid('BANK');
    await expectRefused(
      people.finance.submitRaw(
        'payment',
        'confirmBankPayment',
        [payoutId, `${payoutId}.r1`, reference, '400000'],
        [FINANCE, HOUSING],
      ),
      /access denied: department finance has no settlement duty/,
    );
    await expectRefused(
      people.settlement.submitRaw(
        'payment',
        'confirmBankPayment',
        [payoutId, `${payoutId}.r1`, reference, '399999'],
        [FINANCE, HOUSING],
      ),
      new RegExp(`payout ${payoutId}: bank confirmation amount 399999 differs from the payout amount 400000`),
    );
    const paid = await people.settlement.submit(
      'payment',
      'confirmBankPayment',
      [payoutId, `${payoutId}.r1`, reference, '400000'],
      [FINANCE, HOUSING],
    );
    expect(paid.result).to.include({ status: 'paid' });
    expect(paid.result.bankConfirmation).to.include({ reference, amount: 400_000 });
    await expectRefused(
      people.settlement.submitRaw(
        'payment',
        'confirmBankPayment',
        [payoutId, `${payoutId}.r1`, uid('BANK'), '400000'],
        [FINANCE, HOUSING],
      ),
      new RegExp(`payout ${payoutId} already has bank confirmation ${reference}; a second confirmation is refused`),
    );
    expect((await payout()).bankConfirmation.reference).to.equal(reference);
  });

  it('when finance requests more than the milestone amount, then the transaction commits an overpayment alert (outcome refused) and no payout', async () => {
    const overpayId = uid('PAY-over');
    const refused = await request(overpayId, 'M1', 100_000);
    expect(refused.code).to.equal(VALID);
    expect(refused.result.outcome).to.equal('refused');
    expect(refused.result.alert).to.include({
      id: `overpay:${refused.txId}`,
      rule: 'milestone_amount',
      payoutId: overpayId,
      requestedAmount: 100_000,
      alreadyCommitted: 400_000,
      limit: 400_000,
    });
    await expectQueryFails(
      people.auditor.evaluate('payment', 'readPayout', overpayId),
      new RegExp(`payout ${overpayId} does not exist`),
    );

    const alerts = await people.auditor.evaluate('payment', 'listPaymentAlerts', contractId, '10', '');
    expect(
      alerts.records.map((a: { payoutId: string; rule: string; txId: string }) => [a.payoutId, a.rule, a.txId]),
    ).to.deep.equal([[overpayId, 'milestone_amount', refused.txId]]);
    const payouts = await people.auditor.evaluate('payment', 'listPayoutsByContract', contractId, '10', '');
    expect(payouts.records.map((p: { id: string }) => p.id)).to.deep.equal([payoutId]);
    const [event] = await eventsOf(people.auditor.network, refused.blockNumber, [refused.txId]);
    expect(event.name).to.equal('payment.overpayment_refused');
    expect(event.payload.state).to.deep.equal(refused.result.alert);
  });

  it('when the payouts would exceed the contract sum less retention, then the contract cap refuses it and the retention stays unpaid', async () => {
    await people.inspector.submit('contract', 'acceptMilestone', [contractId, 'M2', '']);
    const refused = await request(uid('PAY-over'), 'M2', 600_000);
    expect(refused.result.outcome).to.equal('refused');
    expect(refused.result.alert).to.include({
      rule: 'contract_sum_less_retention',
      limit: 970_000,
      alreadyCommitted: 400_000,
    });
    const ok = await request(secondPayoutId, 'M2', 570_000);
    expect(ok.result.outcome).to.equal('requested');
    const alerts = await people.auditor.evaluate('payment', 'listPaymentAlerts', contractId, '10', '');
    expect(alerts.records).to.have.length(2);
  });

  it('when the director approves and finance confirms without naming endorsers, then discovery picks Housing and Finance peers and both commit VALID', async () => {
    const approved = await people.director.submitRaw('payment', 'approvePayout', [secondPayoutId]);
    expect(approved.code, 'approval endorsed by the orgs discovery chose').to.equal(VALID);
    const instructed = await people.finance.submitRaw('payment', 'instructTransfer', [
      secondPayoutId,
      `${secondPayoutId}.r1`,
    ]);
    expect(instructed.code, 'instruction endorsed by the orgs discovery chose').to.equal(VALID);
    const paid = await people.settlement.submitRaw('payment', 'confirmBankPayment', [
      secondPayoutId,
      `${secondPayoutId}.r1`,
      uid('BANK'),
      '570000',
    ]);
    expect(paid.code, 'bank confirmation endorsed by the orgs discovery chose').to.equal(VALID);
    expect(await people.auditor.evaluate('payment', 'readPayout', secondPayoutId)).to.include({ status: 'paid' });
  });
});
