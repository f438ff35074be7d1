import { expect } from 'chai';
import type { Response } from 'supertest';
import type { z } from 'zod';
import { signBytes } from '../src/device-client/keys';
import { CONTRACT_PAYEE, contractBody, fundsCast, peersInStep, type FundsCast } from './funds-fixtures';
import { alertOf, closeFixtures, newDevice, sign } from './monitoring-fixtures';
import { filesOf } from './support/fixtures';
import {
  api,
  bearer,
  creditCode,
  eventually,
  gatewayUnderTest,
  newUser,
  randomHash,
  TestGateway,
  TestUser,
  uniqueId,
} from './support/gateway';

/**
 * The web app generates its API client from /openapi.json: every answer the running gateway gives must be what the
 * route's response schema says. Real records are made through the API and each 2xx body is parsed with the schema
 * the document was generated from (strict objects: an undocumented field fails as a missing one does).
 */
describe('API responses conform to the documented schemas', function () {
  this.timeout(600_000);
  let g: TestGateway;
  let cast: FundsCast;
  let analyst: TestUser;
  let admin: TestUser;
  const checked = new Set<string>();
  let doc: {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
    >;
  };

  const specOf = (method: string, path: string) => {
    const spec = g.specs.find((s) => s.method === method && s.path === path);
    if (!spec) throw new Error(`no route ${method.toUpperCase()} ${path}`);
    return spec;
  };

  /** The answer to a call of the route `METHOD /path` (express style) conforms to its response schema. */
  async function conforms(route: string, call: Promise<Response> | Response, status?: number): Promise<Response> {
    const res = await call;
    const [method, path] = route.split(' ');
    const spec = specOf(method.toLowerCase(), path);
    expect(res.status, `${route}: ${JSON.stringify(res.body).slice(0, 800)}`).to.equal(
      status ?? spec.status ?? (method === 'GET' ? 200 : 201),
    );
    expect(spec.response, `${route} has no response schema`).to.not.equal(undefined);
    const parsed = (spec.response as z.ZodType).safeParse(res.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('\n  ');
      expect.fail(
        `${route} answered a body its schema refuses:\n  ${issues}\nbody: ${JSON.stringify(res.body).slice(0, 1500)}`,
      );
    }
    checked.add(`${method} ${path}`);
    return res;
  }

  /** A write that must commit, with every peer caught up afterwards (the next write may be endorsed elsewhere). */
  const committed = async (route: string, call: Promise<Response>, status?: number) => {
    const res = await conforms(route, call, status);
    await peersInStep(g);
    return res;
  };

  before(async () => {
    g = await gatewayUnderTest();
    doc = (await api(g).get('/openapi.json').expect(200)).body;
    [cast, analyst, admin] = await Promise.all([fundsCast(g), newUser(g, 'analyst'), newUser(g, 'admin')]);
  });
  after(closeFixtures);

  it('when the API document is read, then every route answering JSON documents its 2xx body with a schema', () => {
    // No JSON: a password change and sign-out answer nothing; the downloads answer the file's bytes.
    const bodiless = new Set([
      'POST /v1/users/me/password',
      'DELETE /v1/sessions/current',
      'GET /v1/uploads/{sha256}',
      'GET /v1/open311/photos/{sha256}',
    ]);
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const documented = Object.entries(op.responses).some(
          ([code, r]) => code.startsWith('2') && r.content?.['application/json']?.schema !== undefined,
        );
        const label = `${method.toUpperCase()} ${path}`;
        if (!bodiless.has(label) && !documented) missing.push(label);
      }
    }
    expect(missing, 'routes without a documented response').to.deep.equal([]);
  });

  let projectId: string;
  let contractId: string;
  let payoutId: string;
  let lastOperation: { id: string; user: TestUser };

  it('when a project is applied for, reviewed and approved, then the writes and the project reads conform', async () => {
    const { contractor, clerk, reviewer, director } = cast;
    projectId = uniqueId('P');
    const kinds = [
      'application_form',
      'budget_estimate',
      'feasibility_study',
      'land_use_permit',
      'construction_drawings',
    ];
    const applied = await committed(
      'POST /projects',
      api(g)
        .post('/v1/projects')
        .set(bearer(contractor))
        .send({
          id: projectId,
          name: '翠竹街道老旧小区改造',
          type: 'renovation',
          budget: 100_000_000,
          location: { address: '翠竹路', lat: 22.5601, lng: 114.1302 },
          contractorId: contractor.company,
          files: filesOf(contractor, kinds),
        }),
    );
    lastOperation = { id: applied.body.operationId, user: contractor };
    await committed(
      'POST /projects/:id/correction',
      api(g).post(`/v1/projects/${projectId}/correction`).set(bearer(clerk)).send({ reason: '请补充材料' }),
    );
    await committed(
      'POST /projects/:id/resubmission',
      api(g)
        .post(`/v1/projects/${projectId}/resubmission`)
        .set(bearer(contractor))
        .send({ files: filesOf(contractor, kinds) }),
    );
    await committed(
      'POST /projects/:id/pre-review',
      api(g).post(`/v1/projects/${projectId}/pre-review`).set(bearer(clerk)),
    );
    await committed(
      'POST /projects/:id/reviews',
      api(g)
        .post(`/v1/projects/${projectId}/reviews`)
        .set(bearer(reviewer))
        .send({ opinion: 'approve', reason: '住建部门审查通过' }),
    );
    await committed(
      'POST /projects/:id/decision',
      api(g)
        .post(`/v1/projects/${projectId}/decision`)
        .set(bearer(director))
        .send({ decision: 'approve', reason: '同意立项' }),
    );
    await eventually(
      'the approved project in the read model',
      async () => (await api(g).get(`/v1/projects/${projectId}`).set(bearer(clerk))).body,
      (p) => p.status === 'approved',
    );
    await conforms('GET /projects/:id', api(g).get(`/v1/projects/${projectId}`).set(bearer(clerk)));
    await conforms('GET /projects/:id', api(g).get(`/v1/projects/${projectId}?source=ledger`).set(bearer(clerk)));
    const list = await conforms('GET /projects', api(g).get('/v1/projects?limit=3').set(bearer(clerk)));
    expect(list.body.items).to.not.be.empty;
    const near = await conforms(
      'GET /public/projects/nearby',
      api(g).get('/v1/public/projects/nearby?lat=22.5601&lng=114.1302&radiusKm=1'),
    );
    expect(near.body.items.map((p: { id: string }) => p.id)).to.include(projectId);
    await conforms('GET /public/projects/:id', api(g).get(`/v1/public/projects/${projectId}`));
    await conforms(
      'GET /operations/:id',
      api(g).get(`/v1/operations/${lastOperation.id}`).set(bearer(lastOperation.user)),
    );
  });

  it('when the registry is read and a qualification revoked, then contractors conform', async () => {
    const company = cast.contractor.company!;
    await conforms('GET /contractors', api(g).get('/v1/contractors?limit=3').set(bearer(cast.clerk)));
    await conforms('GET /contractors/:id', api(g).get(`/v1/contractors/${company}`).set(bearer(cast.clerk)));
    await conforms(
      'GET /contractors/:id',
      api(g).get(`/v1/contractors/${company}?source=ledger`).set(bearer(cast.clerk)),
    );
    const other = uniqueId('C');
    const admin = bearer(await adminOf('housing'));
    await committed(
      'POST /contractors',
      api(g)
        .post('/v1/contractors')
        .set(admin)
        .send({ id: other, name: `测试公司 ${other}`, creditCode: creditCode() }),
    );
    await committed(
      'POST /contractors/:id/qualifications',
      api(g)
        .post(`/v1/contractors/${other}/qualifications`)
        .set(admin)
        .send({ licenceNo: `L-${other}`, grade: 'grade2', scope: ['road'], expiry: '2099-12-31' }),
    );
    await committed(
      'POST /contractors/:id/qualifications/:licenceNo/revocation',
      api(g)
        .post(`/v1/contractors/${other}/qualifications/L-${other}/revocation`)
        .set(admin)
        .send({ reason: '资质证书过期' }),
    );
  });

  const adminOf = async (org: string) => (org === 'housing' ? admin : newUser(g, 'admin', { org }));

  it('when a contract is signed and performed, then the contract writes and every contract list and record conform', async () => {
    const { clerk, director, contractor, inspector } = cast;
    const body = contractBody(projectId, contractor.company!, [
      { id: 'M1', amount: 60_000_000 },
      { id: 'M2', amount: 40_000_000 },
    ]);
    contractId = body.id;
    await committed('POST /contracts', api(g).post('/v1/contracts').set(bearer(clerk)).send(body));
    await committed(
      'POST /contracts/:id/change-orders',
      api(g)
        .post(`/v1/contracts/${contractId}/change-orders`)
        .set(bearer(clerk))
        .send({
          id: 'CO1',
          reason: '设计变更：减少绿化面积',
          changes: [{ milestoneId: 'M2', amount: 39_000_000 }],
          payee: CONTRACT_PAYEE,
        }),
    );
    await committed(
      'POST /contracts/:id/change-orders/:changeOrderId/decision',
      api(g)
        .post(`/v1/contracts/${contractId}/change-orders/CO1/decision`)
        .set(bearer(director))
        .send({ decision: 'approve', reason: '同意变更' }),
    );
    await committed(
      'POST /contracts/:id/progress-reports',
      api(g)
        .post(`/v1/contracts/${contractId}/progress-reports`)
        .set(bearer(contractor))
        .send({ id: 'PR1', milestoneId: 'M1', plannedPercent: 50, actualPercent: 42.5, reportDate: '2026-01-10' }),
    );
    await committed(
      'POST /contracts/:id/milestones/:milestoneId/acceptance',
      api(g).post(`/v1/contracts/${contractId}/milestones/M1/acceptance`).set(bearer(inspector)).send({}),
    );
    await committed(
      'POST /contracts/:id/delays',
      api(g)
        .post(`/v1/contracts/${contractId}/delays`)
        .set(bearer(clerk))
        .send({ id: 'D1', milestoneId: 'M2', days: 5, cause: '连续暴雨停工' }),
    );
    await committed(
      'POST /contracts/:id/breaches',
      api(g)
        .post(`/v1/contracts/${contractId}/breaches`)
        .set(bearer(clerk))
        .send({ id: 'B1', party: 'contractor', clause: '第12条', description: '未按期提交进度报告', penalty: 1000 }),
    );
    const incidents = await eventually(
      'both incidents in the read model',
      async () => (await api(g).get(`/v1/contracts/${contractId}/incidents`).set(bearer(clerk))).body,
      (b) => b.items?.length === 2,
    );
    expect(incidents.items.map((i: { kind: string }) => i.kind).sort()).to.deep.equal(['breach', 'delay']);
    await conforms(
      'GET /contracts/:id/incidents',
      api(g).get(`/v1/contracts/${contractId}/incidents`).set(bearer(clerk)),
    );
    await conforms('GET /contracts', api(g).get(`/v1/contracts?projectId=${projectId}`).set(bearer(clerk)));
    await conforms('GET /contracts/:id', api(g).get(`/v1/contracts/${contractId}`).set(bearer(contractor)));
    await conforms('GET /contracts/:id', api(g).get(`/v1/contracts/${contractId}?source=ledger`).set(bearer(clerk)));
    await conforms(
      'GET /contracts/:id/milestones',
      api(g).get(`/v1/contracts/${contractId}/milestones`).set(bearer(clerk)),
    );
    await conforms(
      'GET /contracts/:id/milestones/:milestoneId',
      api(g).get(`/v1/contracts/${contractId}/milestones/M1`).set(bearer(clerk)),
    );
    await conforms(
      'GET /contracts/:id/milestones/:milestoneId',
      api(g).get(`/v1/contracts/${contractId}/milestones/M1?source=ledger`).set(bearer(clerk)),
    );
    await conforms(
      'GET /contracts/:id/change-orders',
      api(g).get(`/v1/contracts/${contractId}/change-orders`).set(bearer(clerk)),
    );
    await conforms(
      'GET /contracts/:id/progress-reports',
      api(g).get(`/v1/contracts/${contractId}/progress-reports`).set(bearer(clerk)),
    );
  });

  it('when payouts are requested, approved, rejected, refused and sent to the bank, then the payout answers conform', async () => {
    const { finance, director } = cast;
    payoutId = uniqueId('PO');
    await committed(
      'POST /payouts',
      api(g)
        .post('/v1/payouts')
        .set(bearer(finance))
        .send({ id: payoutId, contractId, milestoneId: 'M1', amount: 10_000_000 }),
    );
    await committed(
      'POST /payouts/:id/approval',
      api(g).post(`/v1/payouts/${payoutId}/approval`).set(bearer(director)),
    );
    const rejected = uniqueId('PO');
    await committed(
      'POST /payouts',
      api(g)
        .post('/v1/payouts')
        .set(bearer(finance))
        .send({ id: rejected, contractId, milestoneId: 'M1', amount: 1_000 }),
    );
    await committed(
      'POST /payouts/:id/rejection',
      api(g).post(`/v1/payouts/${rejected}/rejection`).set(bearer(director)).send({ reason: '重复申请' }),
    );
    const refused = await api(g)
      .post('/v1/payouts')
      .set(bearer(finance))
      .send({ id: uniqueId('PO'), contractId, milestoneId: 'M1', amount: 59_000_000 });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(422);
    await eventually(
      'the payment alert in the read model',
      async () => (await api(g).get(`/v1/payment-alerts?contractId=${contractId}`).set(bearer(finance))).body,
      (b) => b.items?.length > 0,
    );
    await conforms(
      'GET /payment-alerts',
      api(g).get(`/v1/payment-alerts?contractId=${contractId}`).set(bearer(finance)),
    );
    await eventually(
      'the approved payout in the read model',
      async () => (await api(g).get(`/v1/payouts/${payoutId}`).set(bearer(finance))).body,
      (p) => p.status === 'approved',
    );
    await conforms('GET /payouts', api(g).get(`/v1/payouts?contractId=${contractId}`).set(bearer(finance)));
    await conforms('GET /payouts/:id', api(g).get(`/v1/payouts/${payoutId}`).set(bearer(finance)));
    await conforms('GET /payouts/:id', api(g).get(`/v1/payouts/${payoutId}?source=ledger`).set(bearer(finance)));
    await conforms(
      'GET /payouts/:id/endorsement',
      api(g).get(`/v1/payouts/${payoutId}/endorsement`).set(bearer(finance)),
    );
    await conforms(
      'POST /payouts/:id/bank-transfer',
      api(g).post(`/v1/payouts/${payoutId}/bank-transfer`).set(bearer(finance)).send({}),
      202,
    );
    await conforms(
      'GET /payouts/:id/bank-transfer',
      api(g).get(`/v1/payouts/${payoutId}/bank-transfer`).set(bearer(finance)),
    );
    await conforms(
      'GET /bank-transfers',
      api(g).get(`/v1/bank-transfers?contractId=${contractId}`).set(bearer(finance)),
    );
  });

  it('when a device raises an alert and monitoring records are written, then the monitoring answers conform', async () => {
    const { clerk } = cast;
    const device = await newDevice(g);
    const alert = alertOf(device.username, projectId);
    const first = await conforms(
      'POST /alerts',
      api(g)
        .post('/v1/alerts')
        .set({ 'X-Device-Signature': sign(alert, device.privateKeyObject), 'X-Device-Id': device.username })
        .send(alert),
      202,
    );
    const second = await conforms(
      'POST /transactions/:transactionId/proposal-signature',
      api(g)
        .post(`/v1/transactions/${first.body.transactionId}/proposal-signature`)
        .send({ signature: await signBytes(device.privateKey, Buffer.from(first.body.message, 'base64')) }),
    );
    await committed(
      'POST /transactions/:transactionId/transaction-signature',
      api(g)
        .post(`/v1/transactions/${first.body.transactionId}/transaction-signature`)
        .send({ signature: await signBytes(device.privateKey, Buffer.from(second.body.message, 'base64')) }),
    );
    await eventually(
      'the alert in the read model',
      async () => (await api(g).get(`/v1/alerts/${alert.id}`).set(bearer(clerk))).status,
      (s) => s === 200,
    );
    await committed(
      'POST /alerts/:id/acknowledgement',
      api(g).post(`/v1/alerts/${alert.id}/acknowledgement`).set(bearer(clerk)),
    );
    await committed(
      'POST /alerts/:id/resolution',
      api(g).post(`/v1/alerts/${alert.id}/resolution`).set(bearer(clerk)).send({ resolution: '已督促工人佩戴安全帽' }),
    );
    await eventually(
      'the resolved alert',
      async () => (await api(g).get(`/v1/alerts/${alert.id}`).set(bearer(clerk))).body,
      (a) => a.status === 'resolved',
    );
    await conforms('GET /alerts/:id', api(g).get(`/v1/alerts/${alert.id}`).set(bearer(clerk)));
    await conforms('GET /alerts/:id', api(g).get(`/v1/alerts/${alert.id}?source=ledger`).set(bearer(clerk)));
    await conforms('GET /alerts', api(g).get(`/v1/alerts?projectId=${projectId}`).set(bearer(clerk)));
    await committed(
      'POST /projects/:id/deviations',
      api(g)
        .post(`/v1/projects/${projectId}/deviations`)
        .set(bearer(clerk))
        .send({ id: uniqueId('DV'), asOf: '2026-01-10', plannedPercent: 50, actualPercent: 38, contractId }),
    );
    const risk = {
      weather: { rainfallMm: 30, windLevel: 5, temperatureC: 30 },
      schedule: { slipDays: 6 },
      staffing: { plannedWorkers: 100, actualWorkers: 80 },
    };
    await conforms(
      'POST /risk-model/assessment',
      api(g).post('/v1/risk-model/assessment').set(bearer(analyst)).send(risk),
    );
    await committed(
      'POST /projects/:id/risk-scores',
      api(g)
        .post(`/v1/projects/${projectId}/risk-scores`)
        .set(bearer(analyst))
        .send({ id: uniqueId('RS'), ...risk }),
    );
    await eventually(
      'the risk score in the read model',
      async () => (await api(g).get(`/v1/projects/${projectId}/risk-scores`).set(bearer(clerk))).body,
      (b) => b.items?.length > 0,
    );
    await eventually(
      'the deviation in the read model',
      async () => (await api(g).get(`/v1/projects/${projectId}/deviations`).set(bearer(clerk))).body,
      (b) => b.items?.length > 0,
    );
    await conforms(
      'GET /projects/:id/deviations',
      api(g).get(`/v1/projects/${projectId}/deviations`).set(bearer(clerk)),
    );
    await conforms(
      'GET /projects/:id/risk-scores',
      api(g).get(`/v1/projects/${projectId}/risk-scores`).set(bearer(clerk)),
    );
  });

  it('when a decision is generated, sealed and anchored, then documents, seals, verifications and history conform', async () => {
    const { clerk, auditor } = cast;
    const fingerprint = (
      await committed(
        'POST /seal-certificates',
        api(g)
          .post('/v1/seal-certificates')
          .set(bearer(admin))
          .send({ holder: clerk.username, label: '经办人电子签章' }),
      )
    ).body.result.fingerprint;
    await conforms(
      'GET /seal-certificates/:fingerprint',
      api(g).get(`/v1/seal-certificates/${fingerprint}`).set(bearer(clerk)),
    );
    await eventually(
      'the seal in the read model',
      async () => (await api(g).get(`/v1/seal-certificates?holder=${clerk.username}`).set(bearer(clerk))).body,
      (b) => b.items?.length > 0,
    );
    await conforms(
      'GET /seal-certificates',
      api(g).get(`/v1/seal-certificates?holder=${clerk.username}`).set(bearer(clerk)),
    );
    const generated = await conforms(
      'POST /sealed-documents',
      api(g).post('/v1/sealed-documents').set(bearer(clerk)).send({ type: 'approval_decision', projectId }),
    );
    const signed = await committed(
      'POST /sealed-documents/:id/signatures',
      api(g).post(`/v1/sealed-documents/${generated.body.id}/signatures`).set(bearer(clerk)).send({}),
    );
    const sha256 = signed.body.result.sha256 as string;
    await conforms(
      'GET /sealed-documents/:id',
      api(g).get(`/v1/sealed-documents/${generated.body.id}`).set(bearer(clerk)),
    );
    await eventually(
      'the document in the read model',
      async () => (await api(g).get(`/v1/documents/${sha256}`).set(bearer(clerk))).status,
      (s) => s === 200,
    );
    await conforms('GET /documents/:sha256', api(g).get(`/v1/documents/${sha256}`).set(bearer(clerk)));
    await conforms('GET /documents/:sha256', api(g).get(`/v1/documents/${sha256}?source=ledger`).set(bearer(clerk)));
    await conforms('GET /documents', api(g).get(`/v1/documents?projectId=${projectId}`).set(bearer(clerk)));
    await conforms(
      'GET /documents/:sha256/versions',
      api(g).get(`/v1/documents/${sha256}/versions`).set(bearer(clerk)),
    );
    await conforms('GET /documents/:sha256/history', api(g).get(`/v1/documents/${sha256}/history`).set(bearer(clerk)));
    await conforms('GET /verifications/:sha256', api(g).get(`/v1/verifications/${sha256}`));
    await conforms('POST /verifications', api(g).post('/v1/verifications').send({ sha256: randomHash() }), 200);
    await conforms('GET /v/:id', api(g).get(`/v1/v/${generated.body.id}`));
    const revoked = (
      await committed(
        'POST /seal-certificates',
        api(g)
          .post('/v1/seal-certificates')
          .set(bearer(admin))
          .send({ holder: cast.reviewer.username, label: '审核人电子签章' }),
      )
    ).body.result.fingerprint;
    await committed(
      'POST /seal-certificates/:fingerprint/revocation',
      api(g).post(`/v1/seal-certificates/${revoked}/revocation`).set(bearer(admin)).send({ reason: '印章遗失' }),
    );
    await committed(
      'POST /documents/:sha256/revocation',
      api(g).post(`/v1/documents/${sha256}/revocation`).set(bearer(clerk)).send({ reason: '文号错误，重新签发' }),
    );
    void auditor;
  });

  it('when evidence is batched, attested and exported, then batch anchors, attestations, record audits and bundles conform', async () => {
    const { clerk, auditor } = cast;
    const batchId = uniqueId('B');
    await committed(
      'POST /batch-anchors/items',
      api(g)
        .post('/v1/batch-anchors/items')
        .set(bearer(clerk))
        .send({ batchId, kind: 'photos', items: [randomHash(), randomHash(), randomHash()] }),
    );
    await committed(
      'POST /batch-anchors',
      api(g)
        .post('/v1/batch-anchors')
        .set(bearer(clerk))
        .send({ batchId: uniqueId('B'), merkleRoot: randomHash(), itemCount: 12, kind: 'sensor-log' }),
    );
    await eventually(
      'the batch in the read model',
      async () => (await api(g).get(`/v1/batch-anchors/${batchId}`).set(bearer(clerk))).status,
      (s) => s === 200,
    );
    await conforms('GET /batch-anchors/:batchId', api(g).get(`/v1/batch-anchors/${batchId}`).set(bearer(clerk)));
    await conforms('GET /batch-anchors', api(g).get('/v1/batch-anchors?kind=photos&limit=3').set(bearer(clerk)));
    await conforms(
      'GET /batch-anchors/:batchId/items/:index',
      api(g).get(`/v1/batch-anchors/${batchId}/items/1`).set(bearer(clerk)),
    );
    const id = uniqueId('AT');
    await committed(
      'POST /attestations',
      api(g)
        .post('/v1/attestations')
        .set(bearer(auditor))
        .send({ id, subjectKind: 'project', subjectKey: [projectId], opinion: 'no_finding', note: '审计未发现问题' }),
    );
    await eventually(
      'the attestation in the read model',
      async () => (await api(g).get(`/v1/attestations/${id}`).set(bearer(auditor))).status,
      (s) => s === 200,
    );
    await conforms('GET /attestations/:id', api(g).get(`/v1/attestations/${id}`).set(bearer(auditor)));
    await conforms(
      'GET /attestations',
      api(g).get(`/v1/attestations?subjectKind=project&subjectKey=${projectId}`).set(bearer(auditor)),
    );
    await conforms(
      'GET /records/:kind/:id/history',
      api(g).get(`/v1/records/project/${projectId}/history`).set(bearer(auditor)),
    );
    await conforms(
      'GET /records/:kind/:id/history',
      api(g).get(`/v1/records/milestone/${contractId}%2FM1/history`).set(bearer(auditor)),
    );
    await conforms(
      'GET /records/:kind/:id/verify',
      api(g).get(`/v1/records/project/${projectId}/verify`).set(bearer(auditor)),
    );
    await conforms('POST /evidence/checkpoints', api(g).post('/v1/evidence/checkpoints').set(bearer(auditor)).send({}));
    await conforms(
      'GET /evidence/checkpoints/latest',
      api(g).get('/v1/evidence/checkpoints/latest').set(bearer(auditor)),
    );
    await conforms('GET /evidence/:recordType/:id', api(g).get(`/v1/evidence/payout/${payoutId}`).set(bearer(auditor)));
    await conforms(
      'GET /evidence/batch-items/:batchId/:index',
      api(g).get(`/v1/evidence/batch-items/${batchId}/0`).set(bearer(auditor)),
    );
    await conforms('GET /reconciliation/runs', api(g).get('/v1/reconciliation/runs?limit=3').set(bearer(auditor)));
    await conforms(
      'GET /reconciliation/findings',
      api(g).get('/v1/reconciliation/findings?limit=3').set(bearer(auditor)),
    );
  });

  it('when a citizen complains and staff handle it, then the Open311 and staff answers conform', async () => {
    const dispatcher = await newUser(g, 'clerk', { dept: 'housing' });
    await conforms('GET /open311/services', api(g).get('/v1/open311/services'));
    await conforms('GET /open311/services/:code', api(g).get('/v1/open311/services/noise'));
    const submitted = await conforms(
      'POST /open311/requests',
      api(g).post('/v1/open311/requests').send({
        service_code: 'noise',
        description: '工地夜间施工噪音扰民，持续到凌晨两点',
        address_string: '罗湖区翠竹路 1 号',
        first_name: '张',
        phone: '13800000000',
      }),
    );
    const { service_request_id: id, receipt_token: token } = submitted.body[0];
    await conforms('GET /open311/requests/:id', api(g).get(`/v1/open311/requests/${id}`).set('X-Receipt-Token', token));
    await eventually(
      'the complaint in the read model',
      async () => (await api(g).get(`/v1/open311/requests/${id}`)).status,
      (s) => s === 200,
    );
    await conforms('GET /open311/requests/:id', api(g).get(`/v1/open311/requests/${id}`));
    await conforms('GET /open311/requests', api(g).get(`/v1/open311/requests?service_request_id=${id}`));
    await committed(
      'POST /complaints/:id/dispatch',
      api(g).post(`/v1/complaints/${id}/dispatch`).set(bearer(dispatcher)).send({}),
    );
    await eventually(
      'the dispatched complaint',
      async () => (await api(g).get(`/v1/complaints/${id}`).set(bearer(dispatcher))).body,
      (c) => c.status === 'dispatched',
    );
    await conforms('GET /complaints/:id', api(g).get(`/v1/complaints/${id}`).set(bearer(dispatcher)));
    await conforms('GET /complaints/:id', api(g).get(`/v1/complaints/${id}?source=ledger`).set(bearer(dispatcher)));
    await conforms('GET /complaints', api(g).get('/v1/complaints?status=dispatched&limit=5').set(bearer(dispatcher)));
    await conforms(
      'GET /complaints/:id/verification',
      api(g).get(`/v1/complaints/${id}/verification`).set(bearer(dispatcher)),
    );
  });

  it('when users are read, then the identity answers conform', async () => {
    await conforms('GET /me', api(g).get('/v1/me').set(bearer(cast.clerk)));
    await conforms('GET /users/:username', api(g).get(`/v1/users/${cast.clerk.username}`).set(bearer(admin)));
  });

  it("when the dashboard, the ledger explorer and a project's sealed documents are read, then their answers conform", async () => {
    await conforms('GET /dashboard', api(g).get('/v1/dashboard').set(bearer(cast.director)));
    await conforms(
      'GET /sealed-documents',
      api(g).get(`/v1/sealed-documents?projectId=${projectId}`).set(bearer(cast.clerk)),
    );
    const history = await api(g).get(`/v1/records/project/${projectId}/history`).set(bearer(cast.auditor)).expect(200);
    const { transactionId, blockNumber } = history.body.changes[0];
    await conforms(
      'GET /ledger/transactions/:txId',
      api(g).get(`/v1/ledger/transactions/${transactionId}`).set(bearer(cast.auditor)),
    );
    await conforms(
      'GET /ledger/blocks/:number',
      api(g).get(`/v1/ledger/blocks/${blockNumber}`).set(bearer(cast.auditor)),
    );
  });

  it('when the calls above ran, then every GET route of every family was checked except the ones needing an unusual setup', () => {
    const unchecked = g.specs.filter((s) => s.method === 'get' && !checked.has(`GET ${s.path}`)).map((s) => s.path);
    // File downloads (no JSON), a checkpoint by number (as latest), a reconciliation run (needs a run started).
    expect(unchecked.sort()).to.deep.equal([
      '/evidence/checkpoints/:blockNumber',
      '/open311/photos/:sha256',
      '/reconciliation/runs/:id',
      '/uploads/:sha256',
    ]);
  });
});
