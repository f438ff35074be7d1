import { api, bearer, newUser, randomHash, TestGateway, TestUser, uniqueId } from './support/gateway';
import type { LedgerSetup } from './support/ledger-setup';
import { committed, contractBody, peersInStep } from './funds-fixtures';
import { registerDevice } from './monitoring-fixtures';

/** Two companies' worth of records: B's go all the way to a payout and a payment alert, A has one project. */
export interface TwoCompanies {
  companyA: string;
  companyB: string;
  contractorA: TestUser;
  contractorB: TestUser;
  device: { username: string };
  auditor: TestUser;
  finance: TestUser;
  projectA: string;
  projectB: string;
  contractB: string;
  payoutB: string;
  alertB: string;
  fileB: string;
  fileNamedByB: string;
}

const KINDS = ['application_form', 'budget_estimate', 'feasibility_study', 'land_use_permit', 'construction_drawings'];

export async function twoCompanies(
  g: TestGateway,
  setup: LedgerSetup,
  projectB = uniqueId('P'),
): Promise<TwoCompanies> {
  const [companyA, companyB] = [
    await setup.qualifiedContractor(['renovation']),
    await setup.qualifiedContractor(['renovation']),
  ];
  await peersInStep(g);
  const [contractorA, contractorB, colleagueB, device, clerk, reviewer, director, inspector, finance, auditor] =
    await Promise.all([
      newUser(g, 'contractor', { company: companyA }),
      newUser(g, 'contractor', { company: companyB }),
      newUser(g, 'contractor', { company: companyB }),
      registerDevice(g),
      newUser(g, 'clerk', { dept: 'housing' }),
      newUser(g, 'reviewer', { dept: 'housing' }),
      newUser(g, 'director', { dept: 'housing' }),
      newUser(g, 'inspector', { dept: 'quality_station' }),
      newUser(g, 'finance', { dept: 'finance' }),
      newUser(g, 'auditor', { dept: 'audit' }),
    ]);
  const post = (path: string, who: TestUser, body?: object) =>
    api(g)
      .post(`/v1${path}`)
      .set(bearer(who))
      .send(body ?? {});
  const fileB = (
    await api(g)
      .post('/v1/uploads')
      .set(bearer(contractorB))
      .set('content-type', 'application/pdf')
      .send(Buffer.from(`B's own ${randomHash()}`))
      .expect(201)
  ).body.sha256 as string;
  // A file B's project names, uploaded by a colleague of B's company: contractor B reads it because its project names it.
  const fileNamedByB = (
    await api(g)
      .post('/v1/uploads')
      .set(bearer(colleagueB))
      .set('content-type', 'application/pdf')
      .send(Buffer.from(`named ${randomHash()}`))
      .expect(201)
  ).body.sha256 as string;
  // Every file an application names was uploaded by its company (finding 14): the rest are the applicant's own uploads.
  const application = (id: string, applicant: TestUser, files: string[]) => ({
    id,
    name: '翠竹街道老旧小区改造',
    type: 'renovation',
    budget: 100_000_000,
    location: { address: '翠竹路', lat: 22.5601, lng: 114.1302 },
    contractorId: applicant.company,
    files: KINDS.map((kind, i) => ({ kind, sha256: files[i] ?? applicant.files![kind] })),
  });
  const projectA = uniqueId('P');
  await committed(g, post('/projects', contractorA, application(projectA, contractorA, [])));
  await committed(g, post('/projects', contractorB, application(projectB, contractorB, [fileB, fileNamedByB])));
  await committed(g, post(`/projects/${projectB}/pre-review`, clerk));
  await committed(
    g,
    post(`/projects/${projectB}/reviews`, reviewer, { opinion: 'approve', reason: '住建部门审查通过' }),
  );
  await committed(g, post(`/projects/${projectB}/decision`, director, { decision: 'approve', reason: '同意立项' }));
  const contract = contractBody(projectB, companyB, [{ id: 'M1', amount: 20_000_000 }]);
  await committed(g, post('/contracts', clerk, contract));
  await committed(g, post(`/contracts/${contract.id}/milestones/M1/acceptance`, inspector));
  const payoutB = uniqueId('PAY');
  await committed(
    g,
    post('/payouts', finance, { id: payoutB, contractId: contract.id, milestoneId: 'M1', amount: 15_000_000 }),
  );
  const refused = await committed(
    g,
    post('/payouts', finance, { id: uniqueId('PAY'), contractId: contract.id, milestoneId: 'M1', amount: 6_000_000 }),
    422,
  );
  return {
    companyA,
    companyB,
    contractorA,
    contractorB,
    device,
    auditor,
    finance,
    projectA,
    projectB,
    contractB: contract.id,
    payoutB,
    alertB: refused.body.error.details.alert.id as string,
    fileB,
    fileNamedByB,
  };
}
