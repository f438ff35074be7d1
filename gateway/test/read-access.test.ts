import { expect } from 'chai';
import { api, bearer, eventually, gatewayUnderTest, TestGateway, TestUser } from './support/gateway';
import { ledgerSetup, LedgerSetup } from './support/ledger-setup';
import { twoCompanies, TwoCompanies } from './read-access-fixtures';

/** Finding 10: reads have an object-level check — a company reads its own records only, a device nothing. */
describe('who may read what (read policy over REST)', function () {
  this.timeout(300_000);
  let g: TestGateway;
  let setup: LedgerSetup;
  let w: TwoCompanies;
  const get = (path: string, who: TestUser) => api(g).get(`/v1${path}`).set(bearer(who));

  before(async function () {
    g = await gatewayUnderTest();
    setup = await ledgerSetup();
    w = await twoCompanies(g, setup);
    // Everything B has is in the read model (the auditor reads all of it).
    await eventually(
      'B in the read model',
      async () => (await get(`/payouts/${w.payoutB}`, w.auditor)).status,
      (s) => s === 200,
    );
    await eventually(
      'B alert listed',
      async () => (await get(`/payment-alerts?contractId=${w.contractB}`, w.auditor)).body.items as { id: string }[],
      (items) => items?.some((i) => i.id === w.alertB),
    );
  });
  after(async () => {
    await setup?.close();
  });

  /** B's records, each by every read route that names it. */
  const bRecords = () => [
    `/projects/${w.projectB}`,
    `/projects/${w.projectB}?source=ledger`,
    `/contracts/${w.contractB}`,
    `/contracts/${w.contractB}?source=ledger`,
    `/contracts/${w.contractB}/milestones/M1`,
    `/contracts/${w.contractB}/milestones/M1?source=ledger`,
    `/payouts/${w.payoutB}`,
    `/payouts/${w.payoutB}?source=ledger`,
    `/payouts/${w.payoutB}/endorsement`,
    `/records/contract/${w.contractB}/history`,
    `/records/payout/${w.payoutB}/history`,
    `/records/project/${w.projectB}/history`,
    `/records/paymentAlert/${w.alertB}/history`,
    `/records/contract/${w.contractB}/verify`,
    `/uploads/${w.fileB}`,
    `/uploads/${w.fileNamedByB}`,
    `/contractors/${w.companyB}`,
  ];

  it("when a contractor of company A reads company B's project, contract, milestone, payout, alert, history or file, then 404 as if it did not exist", async () => {
    for (const path of bRecords()) {
      const res = await get(path, w.contractorA);
      expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(404);
      expect(res.body.error.code, path).to.equal('not_found');
    }
  });

  it("when company B's contractor reads the same, then it gets its own records, its upload and the file its project names", async () => {
    for (const path of bRecords().filter((p) => !p.includes('paymentAlert'))) {
      const res = await get(path, w.contractorB);
      expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(200);
    }
    // Payment alerts are Finance's controls: not even the company they concern reads them.
    expect((await get(`/records/paymentAlert/${w.alertB}/history`, w.contractorB)).status).to.equal(404);
  });

  it("when a contractor of company A lists projects, contracts, payouts, alerts and B's milestones, then only A's records are listed", async () => {
    const projects = (await get('/projects?limit=100', w.contractorA).expect(200)).body.items as {
      id: string;
      contractorId: string;
    }[];
    expect(projects.map((p) => p.id)).to.include(w.projectA);
    expect(projects.every((p) => p.contractorId === w.companyA)).to.equal(true);
    // Filtered in the query: a page of one still finds A's project even with many other companies' projects before it.
    expect(
      (await get(`/projects?limit=1&contractorId=${w.companyB}`, w.contractorA).expect(200)).body.items,
    ).to.deep.equal([]);
    const contracts = (await get('/contracts?limit=100', w.contractorA).expect(200)).body.items as {
      contractorId: string;
    }[];
    expect(contracts.every((c) => c.contractorId === w.companyA)).to.equal(true);
    expect((await get(`/payouts?contractId=${w.contractB}`, w.contractorA).expect(200)).body.items).to.deep.equal([]);
    expect((await get(`/payouts?projectId=${w.projectB}`, w.contractorA).expect(200)).body.items).to.deep.equal([]);
    expect((await get('/payment-alerts?limit=100', w.contractorA).expect(200)).body.items).to.deep.equal([]);
    expect((await get(`/contracts/${w.contractB}/milestones`, w.contractorA).expect(200)).body.items).to.deep.equal([]);
    // B's contractor lists its own.
    expect(
      (await get(`/payouts?contractId=${w.contractB}`, w.contractorB).expect(200)).body.items.map(
        (p: { id: string }) => p.id,
      ),
    ).to.deep.equal([w.payoutB]);
    const own = (await get('/projects?limit=1', w.contractorB).expect(200)).body.items as { contractorId: string }[];
    expect(own).to.have.length(1);
    expect(own[0].contractorId).to.equal(w.companyB);
  });

  it('when a device tries to read, then it reads nothing: it has no password to sign in with, and no session reads nothing', async () => {
    await api(g)
      .post('/v1/sessions')
      .send({ username: w.device.username, password: 'any-password-at-all' })
      .expect(401);
    for (const path of [...bRecords(), '/projects', '/alerts', '/documents'])
      expect((await api(g).get(`/v1${path}`)).status, path).to.equal(401);
  });

  it('when bureau staff read the same, then they read all of it', async () => {
    for (const who of [w.auditor, w.finance]) {
      for (const path of bRecords()) expect((await get(path, who)).status, path).to.equal(200);
    }
  });
});
