import { expect } from 'chai';
import { canonicalJson } from '@luohu/domain';
import { signNotification } from '../src/funds/bank-adapter';
import { bankSettings } from '../src/config';
import {
  api,
  bearer,
  eventually,
  gatewayUnderTest,
  newKeyHolder,
  newUser,
  suiteNetworkDir,
  TestGateway,
  uniqueId,
} from './support/gateway';
import { completeSignatures } from '../src/client/signing-client';
import { ledgerSetup, LedgerSetup } from './support/ledger-setup';
import { approvedProject, committed, contractBody, FundsCast, fundsCast } from './funds-fixtures';

/** Sandbox accounts of the bank simulator (last four digits pick the behaviour). */
const ACCOUNT = {
  normal: '6222020000001234',
  twice: '6222020000002222',
  closed: '6222020000004040',
  frozen: '6222020000005050',
  lost: '6222020000006060',
  down: '6222020000009999',
};
const settings = () => bankSettings(process.env, 'test', suiteNetworkDir);

interface Transfer {
  status: string;
  bankReference: string | null;
  attempts: number;
  notifications: number;
  round: number;
  instructionId: string;
  history: { event: string }[];
  confirmation: { receipt: { transactionId: string } | null } | null;
  lastError: string | null;
}

describe('gateway funds: bank transfers through the bank adapter (simulator)', function () {
  this.timeout(120_000);
  let g: TestGateway;
  let setup: LedgerSetup;
  let cast: FundsCast;
  let contractId: string;
  const milestones = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8', 'M9', 'M10', 'M11'];

  const post = (path: string, who: FundsCast[keyof FundsCast], body?: object) =>
    api(g)
      .post(`/v1${path}`)
      .set(bearer(who))
      .send(body ?? {});
  const transfer = async (payoutId: string) =>
    (await api(g).get(`/v1/payouts/${payoutId}/bank-transfer`).set(bearer(cast.finance))).body as Transfer;
  const transferReaches = (payoutId: string, status: string, timeoutMs = 20_000) =>
    eventually(
      `transfer ${status}`,
      () => transfer(payoutId),
      (t) => t.status === status,
      timeoutMs,
    );
  const ledgerPayout = async (payoutId: string) =>
    (await api(g).get(`/v1/payouts/${payoutId}?source=ledger`).set(bearer(cast.auditor)).expect(200)).body;

  /**
   * The contract's payee account from now on: a change order proposed by the clerk and approved by the director, the
   * only way the account the bank is sent changes (the simulator picks its behaviour by the account's last digits).
   */
  async function payTo(account: string): Promise<void> {
    const order = uniqueId('CO');
    await committed(
      g,
      post(`/contracts/${contractId}/change-orders`, cast.clerk, {
        id: order,
        reason: '变更收款账户',
        changes: [],
        payee: { name: '深圳市测试建设工程有限公司', account },
      }),
    );
    await committed(
      g,
      post(`/contracts/${contractId}/change-orders/${order}/decision`, cast.director, {
        decision: 'approve',
        reason: '同意变更收款账户',
      }),
    );
  }

  /** A payout of 1 000 000 fen on its own accepted milestone, approved by the director. */
  async function approvedPayout(milestoneId: string): Promise<string> {
    const id = uniqueId('PAY');
    await committed(g, post('/payouts', cast.finance, { id, contractId, milestoneId, amount: 1_000_000 }));
    await committed(g, post(`/payouts/${id}/approval`, cast.director));
    return id;
  }

  function signed(body: object, key = settings().secret) {
    const timestamp = String(Date.now());
    return api(g)
      .post('/v1/bank/notifications')
      .set('content-type', 'application/json')
      .set('x-bank-timestamp', timestamp)
      .set('x-bank-signature', signNotification(key, timestamp, canonicalJson(body)))
      .send(canonicalJson(body));
  }

  before(async function () {
    g = await gatewayUnderTest();
    setup = await ledgerSetup();
    cast = await fundsCast(g);
    const { projectId, contractorId } = await approvedProject(g, cast, setup);
    const contract = contractBody(
      projectId,
      contractorId,
      milestones.map((id) => ({ id, amount: 1_000_000 })),
      0,
    );
    contractId = contract.id;
    await committed(g, post('/contracts', cast.clerk, contract));
    for (const m of milestones)
      await committed(g, post(`/contracts/${contractId}/milestones/${m}/acceptance`, cast.inspector));
  });
  after(async () => {
    await setup?.close();
  });

  it("when finance sends an approved payout, then the bank's signed notification marks it paid on the ledger, signed by the settlement desk's identity", async () => {
    await payTo(ACCOUNT.normal);
    const id = await approvedPayout('M1');
    const sent = await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(202);
    expect(sent.body.payee.account).to.equal('************1234');
    const t = await transferReaches(id, 'confirmed');
    const payout = await ledgerPayout(id);
    expect(payout.status).to.equal('paid');
    expect(payout.bankConfirmation).to.include({ reference: t.bankReference, amount: 1_000_000 });
    expect(payout.bankConfirmation.confirmedBy).to.include({ mspId: 'FinanceMSP', role: 'finance' });
    expect(payout.bankConfirmation.confirmedBy.id).to.contain('system.bank-settlement');
    await eventually(
      'paid in the read model',
      async () =>
        (await api(g).get(`/v1/payouts?contractId=${contractId}&status=paid`).set(bearer(cast.auditor))).body.items,
      (items) => items.length === 1,
    );
    // Sending a paid payout again sends nothing and says so (finding 18).
    const again = await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(409);
    expect(again.body.error.message).to.match(/already paid/);
    expect((await transfer(id)).round).to.equal(1);
  });

  it('when the bank delivers the notification twice, or it is replayed, then it is answered OK and the payout is confirmed once', async () => {
    await payTo(ACCOUNT.twice);
    const id = await approvedPayout('M2');
    await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(202);
    const t = await eventually(
      'two notifications',
      () => transfer(id),
      (x) => x.status === 'confirmed' && x.notifications === 2,
    );
    const replay = await signed({
      instructionId: t.instructionId,
      payoutId: id,
      bankReference: t.bankReference,
      amount: 1_000_000,
      status: 'settled',
      at: new Date().toISOString(),
    }).expect(200);
    expect(replay.body).to.deep.equal({ outcome: 'duplicate', status: 'confirmed' });
    const after = await transfer(id);
    expect(after.notifications).to.equal(3);
    expect(after.history.filter((h) => h.event === 'confirmed')).to.have.length(1);
    expect(after.confirmation!.receipt!.transactionId).to.be.a('string');
    expect((await ledgerPayout(id)).bankConfirmation.reference).to.equal(t.bankReference);
  });

  it('when a notification is not signed with the shared secret, is stale, or names an unknown instruction, then it is refused and nothing changes', async () => {
    const id = await approvedPayout('M3');
    const body = {
      instructionId: `${id}.r1`,
      payoutId: id,
      bankReference: 'FORGED0001',
      amount: 1_000_000,
      status: 'settled',
      at: new Date().toISOString(),
    };
    const forged = await signed(body, 'not-the-shared-secret-of-the-bank-at-all').expect(401);
    expect(forged.body.error.code).to.equal('bad_signature');
    const stale = String(Date.now() - 10 * 60_000);
    await api(g)
      .post('/v1/bank/notifications')
      .set('content-type', 'application/json')
      .set('x-bank-timestamp', stale)
      .set('x-bank-signature', signNotification(settings().secret, stale, canonicalJson(body)))
      .send(canonicalJson(body))
      .expect(401);
    await signed(body).expect(404); // never sent to the bank
    await signed({ ...body, extra: 1 }).expect(400);
    expect((await ledgerPayout(id)).status).to.equal('approved');
  });

  it('when the bank refuses the instruction, then the transfer is reported, the payout stays approved, and a resend to a good account pays it once', async () => {
    await payTo(ACCOUNT.closed);
    const id = await approvedPayout('M4');
    const refused = await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(202);
    expect(refused.body.status).to.equal('bank_rejected');
    expect(refused.body.lastError).to.match(/account_closed/);
    expect((await ledgerPayout(id)).status).to.equal('approved');
    const report = await api(g)
      .get(`/v1/bank-transfers?status=bank_rejected&contractId=${contractId}`)
      .set(bearer(cast.director))
      .expect(200);
    expect(report.body.items.map((x: { payoutId: string }) => x.payoutId)).to.deep.equal([id]);
    await api(g).get('/v1/bank-transfers').set(bearer(cast.contractor)).expect(403);
    await payTo(ACCOUNT.normal); // the contractor's new account, by an approved change order
    await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(202);
    const t = await transferReaches(id, 'confirmed');
    expect(t.round).to.equal(2);
    expect((await ledgerPayout(id)).status).to.equal('paid');
  });

  it('when settlement fails at the bank, then the transfer is reported settlement_failed and the payout stays approved', async () => {
    await payTo(ACCOUNT.frozen);
    const id = await approvedPayout('M5');
    await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(202);
    const t = await transferReaches(id, 'settlement_failed');
    expect(t.lastError).to.match(/frozen/);
    expect((await ledgerPayout(id)).status).to.equal('approved');
  });

  it("when the bank's first answer is lost, then the same instruction is resent, the bank answers it as a duplicate, and the payout is paid once", async () => {
    await payTo(ACCOUNT.lost);
    const id = await approvedPayout('M6');
    const first = await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(202);
    expect(first.body.status).to.equal('retrying');
    const t = await transferReaches(id, 'confirmed');
    expect(t.attempts).to.equal(2);
    expect(t.round).to.equal(1);
    expect(t.history.map((h) => h.event)).to.include.members(['retrying', 'acknowledged', 'confirmed']);
    expect((await ledgerPayout(id)).bankConfirmation.reference).to.equal(t.bankReference);
  });

  it('when the bank stays unreachable, then after the last attempt the transfer needs attention and the payout stays approved', async () => {
    await payTo(ACCOUNT.down);
    const id = await approvedPayout('M7');
    await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(202);
    const t = await transferReaches(id, 'needs_attention', 40_000);
    expect(t.attempts).to.equal(settings().maxAttempts);
    expect((await ledgerPayout(id)).status).to.equal('approved');
    const report = await api(g).get('/v1/bank-transfers?status=needs_attention').set(bearer(cast.auditor)).expect(200);
    expect(report.body.items.map((x: { payoutId: string }) => x.payoutId)).to.include(id);
  });

  it('when a finance officer who holds their own key sends an approved payout, then they sign the instruction and the transfer goes on to the bank and is paid', async () => {
    await payTo(ACCOUNT.normal);
    const id = await approvedPayout('M11');
    const officer = await newKeyHolder(g, 'finance');
    const first = await api(g)
      .post(`/v1/payouts/${id}/bank-transfer`)
      .set('authorization', `Bearer ${officer.client.sessionToken}`)
      .send({})
      .expect(202);
    expect(first.body).to.include({ stage: 'proposal', reference: 'payment.instructTransfer' });
    expect((await api(g).get(`/v1/payouts/${id}/bank-transfer`).set(bearer(cast.finance))).status).to.equal(404);
    const done = await completeSignatures(g.url, officer.client.holder, {
      status: 202,
      headers: new Headers(),
      body: first.body,
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(202);
    expect(done.body.payee.account).to.equal('************1234');
    await transferReaches(id, 'confirmed');
    const payout = await ledgerPayout(id);
    expect(payout.status).to.equal('paid');
    expect(payout.transfer.instructedBy.id).to.contain(`CN=${officer.username}`);
  });

  it('when a payout is not approved, or the caller is not finance, or the request names an account, then it is not sent', async () => {
    const id = uniqueId('PAY');
    await committed(g, post('/payouts', cast.finance, { id, contractId, milestoneId: 'M8', amount: 1_000_000 }));
    const res = await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(409);
    expect(res.body.error.message).to.match(/requested/);
    await post(`/payouts/${id}/bank-transfer`, cast.director).expect(403);
    // The account is the contract's on the ledger: a request naming one is refused (finding 3).
    const named = await post(`/payouts/${id}/bank-transfer`, cast.finance, {
      name: '测试公司',
      account: ACCOUNT.normal,
    }).expect(400);
    expect(named.body.error.code).to.equal('invalid_request');
    await api(g).get(`/v1/payouts/${id}/bank-transfer`).set(bearer(cast.finance)).expect(404);
  });

  it('when a "finance" user of the Housing bureau sends an approved payout, then the chaincode refuses it (403) and nothing reaches the bank (finding 3)', async () => {
    await payTo(ACCOUNT.normal);
    const id = await approvedPayout('M9');
    const impostor = await newUser(g, 'finance', { org: 'housing', dept: undefined });
    const refused = await post(`/payouts/${id}/bank-transfer`, impostor).expect(403);
    expect(refused.body.error.message).to.match(/access denied: payment.instructTransfer/);
    await api(g).get(`/v1/payouts/${id}/bank-transfer`).set(bearer(cast.finance)).expect(404);
    expect((await ledgerPayout(id)).transfer).to.equal(undefined);
  });

  it('when a correctly signed notification names an amount or instruction the gateway never sent, then the payout stays unpaid (finding 2)', async () => {
    const id = uniqueId('PAY');
    await committed(g, post('/payouts', cast.finance, { id, contractId, milestoneId: 'M10', amount: 1 }));
    await committed(g, post(`/payouts/${id}/approval`, cast.director));
    await payTo(ACCOUNT.down); // the bank never answers: no genuine notification comes
    await post(`/payouts/${id}/bank-transfer`, cast.finance).expect(202);
    const wrongAmount = await signed({
      instructionId: `${id}.r1`,
      payoutId: id,
      bankReference: 'FORGED0002',
      amount: 999,
      status: 'settled',
      at: new Date().toISOString(),
    }).expect(200);
    expect(wrongAmount.body.outcome).to.equal('needs_attention');
    await signed({
      instructionId: `${id}.r9`,
      payoutId: id,
      bankReference: 'FORGED0003',
      amount: 1,
      status: 'settled',
      at: new Date().toISOString(),
    }).expect(404);
    expect((await ledgerPayout(id)).status).to.equal('approved');
  });
});
