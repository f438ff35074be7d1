import crypto from 'node:crypto';
import { expect } from 'chai';
import { CertificateAuthority } from '../src/identity/certificate-authority';
import { Ledger } from '../src/ledger/ledger';
import { createLogger } from '../src/platform/logger';
import { filesOf } from './support/fixtures';
import {
  ADMIN_PASSWORD,
  bureauRegistrar,
  api,
  bearer,
  creditCode,
  gatewayUnderTest,
  login,
  newCompany,
  newUser,
  randomHash,
  testConfig,
  TestGateway,
  TestUser,
  uniqueId,
  uploadAs,
} from './support/gateway';

const ROAD_FILES = [
  'application_form',
  'budget_estimate',
  'feasibility_study',
  'land_use_permit',
  'traffic_impact_assessment',
];

/** Issue 10, findings 4, 13, 14, 15: departments of one's own bureau, one's own company, uploaded files, credit codes. */
describe('approval and registry: trust at the edges', function () {
  this.timeout(180_000);
  let g: TestGateway;
  let contractor: TestUser;
  let housingAdmin: { authorization: string };
  let auditAdmin: { authorization: string };
  const register = (admin: { authorization: string }, body: Record<string, unknown>) =>
    api(g)
      .post('/v1/users')
      .set(admin)
      .send({
        username: `u-${crypto.randomUUID().slice(0, 12)}`,
        password: `pw-${crypto.randomUUID()}`,
        displayName: 'under test',
        ...body,
      });
  const road = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    name: '布心路拓宽工程',
    type: 'road',
    budget: 6_000_000_000,
    location: { address: '布心路', lat: 22.58, lng: 114.13 },
    files: filesOf(contractor, ROAD_FILES),
    ...extra,
  });
  const onLedger = (id: string) => api(g).get(`/v1/projects/${id}`).query({ source: 'ledger' }).set(bearer(contractor));

  before(async () => {
    g = await gatewayUnderTest();
    contractor = await newUser(g, 'contractor');
    housingAdmin = { authorization: `Bearer ${await login(g, 'admin.housing', ADMIN_PASSWORD)}` };
    auditAdmin = { authorization: `Bearer ${await login(g, 'admin.audit', ADMIN_PASSWORD)}` };
  });

  describe("registration: departments of the admin's own bureau, companies on the ledger (findings 4, 13)", () => {
    it('when the Audit admin registers a "transport" reviewer, then it is refused with 403', async () => {
      const res = await register(auditAdmin, { role: 'reviewer', dept: 'transport' });
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.body.error.message).to.match(/dept transport is not a department of AuditMSP/);
    });
    it('when a reviewer has no department, a contractor has one, or a department is unknown, then each is refused with 400', async () => {
      expect((await register(housingAdmin, { role: 'reviewer' })).status).to.equal(400);
      expect(
        (await register(housingAdmin, { role: 'contractor', dept: 'housing', company: contractor.company })).status,
      ).to.equal(400);
      expect((await register(housingAdmin, { role: 'clerk', dept: 'roads_and_bridges' })).status).to.equal(400);
      expect((await register(auditAdmin, { role: 'reviewer', dept: 'audit' })).status).to.equal(400);
    });
    it('when a contractor has no company, a company not on the ledger, or a clerk has a company, then each is refused with 400', async () => {
      expect((await register(housingAdmin, { role: 'contractor' })).status).to.equal(400);
      const unknown = await register(housingAdmin, { role: 'contractor', company: uniqueId('C') });
      expect(unknown.status, JSON.stringify(unknown.body)).to.equal(400);
      expect(unknown.body.error.message).to.match(/is not registered on the ledger/);
      expect(
        (await register(housingAdmin, { role: 'clerk', dept: 'housing', company: contractor.company })).status,
      ).to.equal(400);
    });
  });

  describe("review by a department of the reviewer's own bureau only (finding 4)", () => {
    it('when an Audit identity with dept=transport registered straight at the CA reviews, then the chaincode refuses it (403) and it does not count; a Finance "finance" reviewer counts', async () => {
      const [clerk, financeReviewer] = await Promise.all([
        newUser(g, 'clerk'),
        newUser(g, 'reviewer', { org: 'finance', dept: 'finance' }),
      ]);
      const id = uniqueId('P');
      await api(g).post('/v1/projects').set(bearer(contractor)).send(road(id)).expect(201);
      await api(g).post(`/v1/projects/${id}/pre-review`).set(bearer(clerk)).expect(201);

      // An insider with the Audit admin's registrar key gets a "transport" reviewer certificate from the Audit CA.
      const config = testConfig();
      const insider = await new CertificateAuthority(config.connection).registerAndEnroll(
        bureauRegistrar(config, 'AuditMSP'),
        `insider-${crypto.randomUUID().slice(0, 8)}`,
        // The registrar decides the attributes, custody included: the department rule must hold on its own.
        { role: 'reviewer', dept: 'transport', custody: 'own' },
      );
      const ledger = new Ledger(config.connection, createLogger('silent'));
      try {
        const signer = {
          id: 'insider',
          mspId: 'AuditMSP',
          certificate: insider.certificate,
          privateKey: crypto.createPrivateKey(insider.privateKeyPem),
        };
        const refused = await ledger.submit(signer, 'approval', 'reviewProject', [id, 'approve', '交通组织可行']).then(
          () => undefined,
          (err: unknown) => err as { status?: number; message: string },
        );
        expect(refused?.status, refused?.message).to.equal(403);
        expect(refused!.message).to.match(/access denied: department transport is not a department of AuditMSP/);
      } finally {
        ledger.close();
      }
      expect((await onLedger(id)).body.reviews).to.deep.equal([]);

      await api(g)
        .post(`/v1/projects/${id}/reviews`)
        .set(bearer(financeReviewer))
        .send({ opinion: 'approve', reason: '资金已落实' })
        .expect(201);
      expect((await onLedger(id)).body.reviews.map((r: { dept: string }) => r.dept)).to.deep.equal(['finance']);
    });
  });

  describe('the applicant acts for its own company, with files it uploaded (findings 13, 14)', () => {
    it("when a contractor applies with another company's contractorId, then it is refused with 403 and nothing is written", async () => {
      const other = await newCompany(g);
      const id = uniqueId('P');
      const res = await api(g)
        .post('/v1/projects')
        .set(bearer(contractor))
        .send(road(id, { contractorId: other }));
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      await onLedger(id).expect(404);
    });
    it("when a contractor applies without naming a contractor, then the project is its own company's", async () => {
      const id = uniqueId('P');
      const res = await api(g).post('/v1/projects').set(bearer(contractor)).send(road(id)).expect(201);
      expect(res.body.result).to.include({ contractorId: contractor.company });
    });
    it('when a contractor uploads a file, then the answer says it is anchored for its company', async () => {
      const res = await api(g)
        .post('/v1/uploads')
        .set(bearer(contractor))
        .attach('file', crypto.randomBytes(512), { filename: '可研报告.pdf', contentType: 'application/pdf' })
        .expect(201);
      expect(res.body.anchoredFor).to.equal(contractor.company);
    });
    it('when an application names a hash never uploaded, then it is refused with 400 and nothing is written', async () => {
      const id = uniqueId('P');
      const files = filesOf(contractor, ROAD_FILES).map((f, i) => (i === 0 ? { ...f, sha256: randomHash() } : f));
      const res = await api(g).post('/v1/projects').set(bearer(contractor)).send(road(id, { files }));
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.message).to.match(/must be a file uploaded by company/);
      await onLedger(id).expect(404);
    });
    it("when an application names a file another company's contractor uploaded, then it is refused with 400", async () => {
      const rival = await newUser(g, 'contractor');
      const theirs = await uploadAs(g, rival, `rival-${crypto.randomUUID()}`);
      const files = filesOf(contractor, ROAD_FILES).map((f, i) => (i === 0 ? { ...f, sha256: theirs } : f));
      const id = uniqueId('P');
      expect((await api(g).post('/v1/projects').set(bearer(contractor)).send(road(id, { files }))).status).to.equal(
        400,
      );
      await onLedger(id).expect(404);
    });
  });

  describe('统一社会信用代码 (finding 15)', () => {
    it('when a second contractor is registered with the same credit code, then it is refused with 409', async () => {
      const code = creditCode();
      await api(g)
        .post('/v1/contractors')
        .set(housingAdmin)
        .send({ id: uniqueId('C'), name: '深圳甲建设有限公司', creditCode: code })
        .expect(201);
      const again = await api(g)
        .post('/v1/contractors')
        .set(housingAdmin)
        .send({ id: uniqueId('C'), name: '深圳乙建设有限公司', creditCode: code });
      expect(again.status, JSON.stringify(again.body)).to.equal(409);
    });
    it('when the check character is wrong, then it is refused with 400 and nothing is written', async () => {
      const valid = creditCode();
      const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
      const id = uniqueId('C');
      const res = await api(g)
        .post('/v1/contractors')
        .set(housingAdmin)
        .send({ id, name: '深圳丙建设有限公司', creditCode: wrong });
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      await api(g).get(`/v1/contractors/${id}`).query({ source: 'ledger' }).set(housingAdmin).expect(404);
    });
  });
});
