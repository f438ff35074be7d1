import { expect } from 'chai';
import { api, bearer, eventually, gatewayUnderTest, TestGateway, uniqueId } from './support/gateway';
import { ledgerSetup, LedgerSetup } from './support/ledger-setup';
import { filesOf } from './support/fixtures';
import { approvedProject, committed, contractBody, FundsCast, fundsCast, peersInStep } from './funds-fixtures';

describe('gateway funds: contracts, change orders, acceptance, payouts', function () {
  this.timeout(120_000);
  let g: TestGateway;
  let setup: LedgerSetup;
  let cast: FundsCast;
  let projectId: string;
  let contractorId: string;
  let contract: ReturnType<typeof contractBody>;

  const get = (path: string, who = cast.auditor) => api(g).get(`/v1${path}`).set(bearer(who));
  const post = (path: string, who: FundsCast[keyof FundsCast], body?: object) =>
    api(g)
      .post(`/v1${path}`)
      .set(bearer(who))
      .send(body ?? {});
  const fromReadModel = <T>(what: string, path: string, ok: (body: T) => boolean) =>
    eventually(what, async () => (await get(path)).body as T, ok);

  before(async function () {
    g = await gatewayUnderTest();
    setup = await ledgerSetup();
    cast = await fundsCast(g);
    ({ projectId, contractorId } = await approvedProject(g, cast, setup));
    contract = contractBody(projectId, contractorId, [
      { id: 'M1', amount: 20_000_000 },
      { id: 'M2', amount: 40_000_000 },
    ]);
  });
  after(async () => {
    await setup?.close();
  });

  describe('contracts', () => {
    it('when a clerk signs a contract for an approved project, then it and its milestones are listed by project from the read model', async () => {
      const res = await committed(g, post('/contracts', cast.clerk, contract));
      expect(res.body.receipt.validationCode).to.equal('VALID');
      expect(res.body.result).to.include({ id: contract.id, sum: 60_000_000, retentionAmount: 1_800_000 });
      const list = await fromReadModel<{ items: { id: string; retentionAmount: number }[] }>(
        'contract listed',
        `/contracts?projectId=${projectId}`,
        (b) => b.items?.length === 1,
      );
      expect(list.items[0]).to.include({ id: contract.id, retentionAmount: 1_800_000 });
      const milestones = await fromReadModel<{ items: { id: string; status: string; amount: number }[] }>(
        'milestones',
        `/contracts/${contract.id}/milestones`,
        (b) => b.items?.length === 2,
      );
      expect(milestones.items.map((m) => [m.id, m.amount, m.status])).to.deep.equal([
        ['M1', 20_000_000, 'planned'],
        ['M2', 40_000_000, 'planned'],
      ]);
      const words = await get(`/contracts?q=${encodeURIComponent('老旧小区')}&projectId=${projectId}`).expect(200);
      expect(words.body.items.map((c: { id: string }) => c.id)).to.deep.equal([contract.id]);
      const ledger = await get(`/contracts/${contract.id}?source=ledger`).expect(200);
      expect(ledger.body.milestoneIds).to.deep.equal(['M1', 'M2']);
    });

    it('when the retention exceeds 3 %, the milestones do not add up, or a field is unknown, then 400 and no contract exists', async () => {
      const over = { ...contractBody(projectId, contractorId, [{ id: 'M1', amount: 100 }]), retentionPercent: 3.5 };
      const short = { ...contractBody(projectId, contractorId, [{ id: 'M1', amount: 100 }]), sum: 101 };
      const extra = { ...contractBody(projectId, contractorId, [{ id: 'M1', amount: 100 }]), bank: 'x' };
      for (const body of [over, short, extra]) {
        const res = await post('/contracts', cast.clerk, body).expect(400);
        expect(res.body.error.code).to.equal('invalid_request');
        await get(`/contracts/${body.id}?source=ledger`).expect(404);
      }
    });

    it('when a contractor signs a contract, or the project is not approved, then it is refused', async () => {
      await post(
        '/contracts',
        cast.contractor,
        contractBody(projectId, contractorId, [{ id: 'M1', amount: 100 }]),
      ).expect(403);
      const pending = uniqueId('P');
      await committed(
        g,
        post('/projects', cast.contractor, {
          id: pending,
          name: '未批项目',
          type: 'renovation',
          budget: 1_000_000,
          location: { address: '翠竹路', lat: 22.56, lng: 114.13 },
          contractorId,
          files: filesOf(cast.contractor, [
            'application_form',
            'budget_estimate',
            'feasibility_study',
            'land_use_permit',
            'construction_drawings',
          ]),
        }),
      );
      const res = await post(
        '/contracts',
        cast.clerk,
        contractBody(pending, contractorId, [{ id: 'M1', amount: 100 }]),
      );
      expect(res.status).to.equal(422);
      expect(res.body.error).to.include({ code: 'rule_broken' });
      expect(res.body.error.message).to.match(/not approved/);
    });

    it('when a contractor proposes a change order and the director approves it, then the milestone and the contract sum move', async () => {
      const order = {
        id: uniqueId('CO'),
        reason: '增加外墙保温工程量',
        changes: [{ milestoneId: 'M2', amount: 45_000_000 }],
      };
      const proposed = await committed(g, post(`/contracts/${contract.id}/change-orders`, cast.contractor, order));
      expect(proposed.body.result).to.include({ status: 'proposed', delta: 5_000_000 });
      await post(`/contracts/${contract.id}/change-orders/${order.id}/decision`, cast.clerk, {
        decision: 'approve',
        reason: '同意',
      }).expect(403);
      await committed(
        g,
        post(`/contracts/${contract.id}/change-orders/${order.id}/decision`, cast.director, {
          decision: 'approve',
          reason: '同意变更',
        }),
      );
      const c = await fromReadModel<{ sum: number; retentionAmount: number }>(
        'contract sum moved',
        `/contracts/${contract.id}`,
        (b) => b.sum === 65_000_000,
      );
      expect(c.retentionAmount).to.equal(1_950_000);
      const m2 = await get(`/contracts/${contract.id}/milestones/M2`).expect(200);
      expect(m2.body.amount).to.equal(45_000_000);
      const again = await post(`/contracts/${contract.id}/change-orders/${order.id}/decision`, cast.director, {
        decision: 'reject',
        reason: '再议',
      });
      expect(again.status).to.equal(409);
    });

    it('when the director rejects a change order, then it is listed as rejected and nothing moves', async () => {
      const order = {
        id: uniqueId('CO'),
        reason: '新增绿化',
        changes: [{ milestoneId: 'M3', amount: 1_000_000, name: '绿化', plannedDate: '2026-12-01' }],
      };
      await committed(g, post(`/contracts/${contract.id}/change-orders`, cast.clerk, order));
      await committed(
        g,
        post(`/contracts/${contract.id}/change-orders/${order.id}/decision`, cast.director, {
          decision: 'reject',
          reason: '预算不足',
        }),
      );
      const rejected = await fromReadModel<{ items: { id: string }[] }>(
        'rejected order listed',
        `/contracts/${contract.id}/change-orders?status=rejected`,
        (b) => b.items?.length === 1,
      );
      expect(rejected.items[0].id).to.equal(order.id);
      expect((await get(`/contracts/${contract.id}`).expect(200)).body.sum).to.equal(65_000_000);
      await post(`/contracts/${contract.id}/change-orders`, cast.clerk, {
        ...order,
        id: uniqueId('CO'),
        changes: [],
      }).expect(400);
    });

    it('when progress is reported, then the report keeps planned vs actual and the deviation, and the milestone its latest progress', async () => {
      const report = {
        id: uniqueId('PR'),
        milestoneId: 'M1',
        plannedPercent: 60,
        actualPercent: 45.5,
        reportDate: '2026-01-10',
      };
      const res = await committed(g, post(`/contracts/${contract.id}/progress-reports`, cast.contractor, report));
      expect(res.body.result.deviation).to.equal(-14.5);
      const list = await fromReadModel<{ items: { id: string; deviation: number }[] }>(
        'progress listed',
        `/contracts/${contract.id}/progress-reports?milestoneId=M1`,
        (b) => b.items?.length === 1,
      );
      expect(list.items[0]).to.include({ id: report.id, deviation: -14.5 });
      const m1 = await fromReadModel<{ latestProgress: { actualPercent: number } | null }>(
        'latest progress',
        `/contracts/${contract.id}/milestones/M1`,
        (b) => b.latestProgress !== null,
      );
      expect(m1.latestProgress!.actualPercent).to.equal(45.5);
      await post(`/contracts/${contract.id}/progress-reports`, cast.finance, { ...report, id: uniqueId('PR') }).expect(
        403,
      );
      await post(`/contracts/${contract.id}/progress-reports`, cast.clerk, {
        ...report,
        id: uniqueId('PR'),
        actualPercent: 120,
      }).expect(400);
    });

    it('when delays and breaches are recorded, then they are listed as incidents of the contract; a contractor may record neither', async () => {
      await committed(
        g,
        post(`/contracts/${contract.id}/delays`, cast.inspector, {
          id: uniqueId('D'),
          milestoneId: 'M2',
          days: 12,
          cause: '连续暴雨停工',
        }),
      );
      await committed(
        g,
        post(`/contracts/${contract.id}/breaches`, cast.director, {
          id: uniqueId('B'),
          party: 'contractor',
          clause: '第十二条',
          description: '未按期提交施工日志',
          penalty: 50_000,
        }),
      );
      await post(`/contracts/${contract.id}/breaches`, cast.contractor, {
        id: uniqueId('B'),
        party: 'employer',
        clause: '第三条',
        description: '拖欠',
        penalty: 0,
      }).expect(403);
      await post(`/contracts/${contract.id}/delays`, cast.inspector, {
        id: uniqueId('D'),
        milestoneId: 'M2',
        days: 0,
        cause: '无',
      }).expect(400);
      const all = await fromReadModel<{ items: { kind: string }[] }>(
        'incidents',
        `/contracts/${contract.id}/incidents`,
        (b) => b.items?.length === 2,
      );
      expect(all.items.map((i) => i.kind).sort()).to.deep.equal(['breach', 'delay']);
      expect((await get(`/contracts/${contract.id}/incidents?kind=delay`).expect(200)).body.items).to.have.length(1);
    });

    it('when a clerk accepts a milestone, then 403; when the inspector does, then it is accepted once', async () => {
      await post(`/contracts/${contract.id}/milestones/M1/acceptance`, cast.clerk).expect(403);
      await committed(g, post(`/contracts/${contract.id}/milestones/M1/acceptance`, cast.inspector));
      const again = await post(`/contracts/${contract.id}/milestones/M1/acceptance`, cast.inspector);
      expect(again.status).to.equal(409);
      await fromReadModel<{ items: { id: string }[] }>(
        'accepted milestone',
        `/contracts/${contract.id}/milestones?status=accepted`,
        (b) => b.items?.length === 1 && b.items[0].id === 'M1',
      );
    });
  });

  describe('payouts', () => {
    const payoutId = uniqueId('PAY');

    it('when finance requests a payout for a milestone not yet accepted, then it is refused and no payout exists', async () => {
      const res = await post('/payouts', cast.finance, {
        id: uniqueId('PAY'),
        contractId: contract.id,
        milestoneId: 'M2',
        amount: 1_000,
      });
      expect(res.status).to.equal(422);
      expect(res.body.error).to.include({ code: 'rule_broken' });
      expect(res.body.error.message).to.match(/not accepted/);
      await post('/payouts', cast.director, {
        id: uniqueId('PAY'),
        contractId: contract.id,
        milestoneId: 'M1',
        amount: 1_000,
      }).expect(403);
      await post('/payouts', cast.finance, {
        id: uniqueId('PAY'),
        contractId: contract.id,
        milestoneId: 'M1',
        amount: 10.5,
      }).expect(400);
    });

    it('when finance requests a payout for an accepted milestone, then it is requested under a two-bureau key-level policy', async () => {
      const res = await committed(
        g,
        post('/payouts', cast.finance, {
          id: payoutId,
          contractId: contract.id,
          milestoneId: 'M1',
          amount: 15_000_000,
        }),
      );
      expect(res.body.result.outcome).to.equal('requested');
      expect(res.body.result.payout).to.include({ id: payoutId, status: 'requested', amount: 15_000_000 });
      const policy = await get(`/payouts/${payoutId}/endorsement`).expect(200);
      expect(policy.body.orgs).to.deep.equal(['FinanceMSP', 'HousingMSP']);
      await fromReadModel<{ items: unknown[] }>(
        'payout listed',
        `/payouts?contractId=${contract.id}&status=requested`,
        (b) => b.items?.length === 1,
      );
    });

    it('when a payout would exceed the milestone amount, then 422 overpayment_refused carries the committed alert, listed under payment alerts', async () => {
      const refusedId = uniqueId('PAY');
      const key = uniqueId('idem');
      const res = await post('/payouts', cast.finance, {
        id: refusedId,
        contractId: contract.id,
        milestoneId: 'M1',
        amount: 6_000_000,
      }).set('Idempotency-Key', key);
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.error.code).to.equal('overpayment_refused');
      const { alert, receipt } = res.body.error.details;
      expect(alert).to.include({
        rule: 'milestone_amount',
        payoutId: refusedId,
        requestedAmount: 6_000_000,
        alreadyCommitted: 15_000_000,
        limit: 20_000_000,
      });
      expect(receipt.validationCode).to.equal('VALID');
      // A retried request replays the same refusal: no second alert.
      const replay = await post('/payouts', cast.finance, {
        id: refusedId,
        contractId: contract.id,
        milestoneId: 'M1',
        amount: 6_000_000,
      }).set('Idempotency-Key', key);
      expect(replay.status).to.equal(422);
      expect(replay.headers['idempotent-replayed']).to.equal('true');
      expect(replay.body.error.details.alert.id).to.equal(alert.id);
      await get(`/payouts/${refusedId}?source=ledger`).expect(404);
      const alerts = await fromReadModel<{ items: { id: string; rule: string }[] }>(
        'alert listed',
        `/payment-alerts?contractId=${contract.id}`,
        (b) => b.items?.length === 1,
      );
      expect(alerts.items[0]).to.include({ id: alert.id, rule: 'milestone_amount' });
      await peersInStep(g);
    });

    it("when finance tries to approve, then 403; when the director approves, then it is approved once on both bureaus' endorsement", async () => {
      await post(`/payouts/${payoutId}/approval`, cast.finance).expect(403);
      const res = await committed(g, post(`/payouts/${payoutId}/approval`, cast.director));
      expect(res.body.result).to.include({ status: 'approved' });
      const again = await post(`/payouts/${payoutId}/approval`, cast.director);
      expect(again.status).to.equal(409);
      await fromReadModel<{ status: string }>('approved', `/payouts/${payoutId}`, (b) => b.status === 'approved');
      const approved = await get(`/payouts?contractId=${contract.id}&status=approved`).expect(200);
      expect(approved.body.items.map((p: { id: string }) => p.id)).to.deep.equal([payoutId]);
    });

    it('when finance rejects a requested payout, then it is rejected and no longer counts against the caps', async () => {
      const second = uniqueId('PAY');
      await committed(
        g,
        post('/payouts', cast.finance, { id: second, contractId: contract.id, milestoneId: 'M1', amount: 5_000_000 }),
      );
      await post(`/payouts/${second}/rejection`, cast.finance, { reason: 'x' }).expect(400);
      const res = await committed(g, post(`/payouts/${second}/rejection`, cast.finance, { reason: '发票不符' }));
      expect(res.body.result).to.include({ status: 'rejected', rejectReason: '发票不符' });
      const third = await committed(
        g,
        post('/payouts', cast.finance, {
          id: uniqueId('PAY'),
          contractId: contract.id,
          milestoneId: 'M1',
          amount: 5_000_000,
        }),
      );
      expect(third.body.result.outcome).to.equal('requested');
      await fromReadModel<{ items: unknown[] }>(
        'rejected listed',
        `/payouts?contractId=${contract.id}&status=rejected`,
        (b) => b.items?.length === 1,
      );
    });

    it('when a list is filtered by an unknown status or field, then 400', async () => {
      await get('/payouts?status=lost').expect(400);
      await get('/payment-alerts?severity=high').expect(400);
      await get(`/contracts/${contract.id}/milestones?status=done`).expect(400);
    });
  });
});
