import { expect } from 'chai';
import { api, bearer, eventually, newUser, operatorAuth, TestGateway, TestUser, uniqueId } from './support/gateway';
import type { LedgerSetup } from './support/ledger-setup';
import { filesOf } from './support/fixtures';

export interface FundsCast {
  contractor: TestUser;
  clerk: TestUser;
  reviewer: TestUser;
  director: TestUser;
  inspector: TestUser;
  finance: TestUser;
  auditor: TestUser;
}

export async function fundsCast(g: TestGateway): Promise<FundsCast> {
  const [contractor, clerk, reviewer, director, inspector, finance, auditor] = await Promise.all([
    newUser(g, 'contractor'),
    newUser(g, 'clerk', { dept: 'housing' }),
    newUser(g, 'reviewer', { dept: 'housing' }),
    newUser(g, 'director', { dept: 'housing' }),
    newUser(g, 'inspector', { dept: 'quality_station' }),
    newUser(g, 'finance', { dept: 'finance' }),
    newUser(g, 'auditor', { dept: 'audit' }),
  ]);
  return { contractor, clerk, reviewer, director, inspector, finance, auditor };
}

/**
 * Every bureau's peer at the same height: the next transaction, endorsed on other bureaus' peers (a payout needs
 * Housing and Finance), then reads what the previous one wrote.
 */
export async function peersInStep(g: TestGateway): Promise<void> {
  await eventually(
    'every peer at the same height',
    async () => (await api(g).get('/readyz').set(operatorAuth())).body as { peers: { height?: number }[] },
    (r) => r.peers.length > 0 && r.peers.every((p) => p.height !== undefined && p.height === r.peers[0].height),
  );
}

/** A write through the API that must commit, with every peer caught up afterwards. */
export async function committed(g: TestGateway, req: ReturnType<ReturnType<typeof api>['post']>, status = 201) {
  const res = await req;
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  await peersInStep(g);
  return res;
}

/** A renovation project (Housing reviews alone) taken through application, pre-review, review and approval. */
export async function approvedProject(
  g: TestGateway,
  cast: FundsCast,
  _setup: LedgerSetup,
  budget = 100_000_000,
): Promise<{ projectId: string; contractorId: string }> {
  // The contractor applies for its own company (qualified for every type), with files it uploaded (see newUser).
  const contractorId = cast.contractor.company!;
  await peersInStep(g);
  const projectId = uniqueId('P');
  const kinds = [
    'application_form',
    'budget_estimate',
    'feasibility_study',
    'land_use_permit',
    'construction_drawings',
  ];
  await committed(
    g,
    api(g)
      .post('/v1/projects')
      .set(bearer(cast.contractor))
      .send({
        id: projectId,
        name: '翠竹街道老旧小区改造',
        type: 'renovation',
        budget,
        location: { address: '翠竹路', lat: 22.5601, lng: 114.1302 },
        contractorId,
        files: filesOf(cast.contractor, kinds),
      }),
  );
  await committed(g, api(g).post(`/v1/projects/${projectId}/pre-review`).set(bearer(cast.clerk)));
  await committed(
    g,
    api(g)
      .post(`/v1/projects/${projectId}/reviews`)
      .set(bearer(cast.reviewer))
      .send({ opinion: 'approve', reason: '住建部门审查通过' }),
  );
  await committed(
    g,
    api(g)
      .post(`/v1/projects/${projectId}/decision`)
      .set(bearer(cast.director))
      .send({ decision: 'approve', reason: '同意立项' }),
  );
  return { projectId, contractorId };
}

/** The contractor's account on every test contract: the only account the bank is ever sent for its payouts. */
export const CONTRACT_PAYEE = { name: '深圳市罗湖建设工程有限公司', account: '6222020200012345678' };

export function contractBody(
  projectId: string,
  contractorId: string,
  milestones: { id: string; amount: number }[],
  retentionPercent = 3,
) {
  return {
    id: uniqueId('HT'),
    projectId,
    contractorId,
    title: '翠竹街道老旧小区改造施工合同',
    employer: '罗湖区住房和建设局',
    payee: CONTRACT_PAYEE,
    sum: milestones.reduce((a, m) => a + m.amount, 0),
    retentionPercent,
    milestones: milestones.map((m, i) => ({ ...m, name: `第${i + 1}阶段`, plannedDate: `2026-0${(i % 9) + 1}-15` })),
  };
}
