import { expect } from 'chai';
import { approvedProject, committed, contractBody, fundsCast, type FundsCast } from './funds-fixtures';
import { api, bearer, eventually, gatewayUnderTest, rawApi, uniqueId, type TestGateway } from './support/gateway';
import { filesOf } from './support/fixtures';

/** Issue 13, the public pages: an approved project's site board and the map's nearby projects, without sign-in. */
describe('public projects: what citizens see of a project, without sign-in', function () {
  this.timeout(180_000);
  let g: TestGateway;
  let cast: FundsCast;
  before(async () => {
    g = await gatewayUnderTest();
    cast = await fundsCast(g);
  });

  it('when a project is approved and contracted, then its public page shows what, where, who builds it and its milestones, and nothing internal', async () => {
    const { projectId, contractorId } = await approvedProject(g, cast, undefined as never);
    const body = contractBody(projectId, contractorId, [
      { id: 'M1', amount: 30_000_000 },
      { id: 'M2', amount: 40_000_000 },
    ]);
    await committed(g, api(g).post('/v1/contracts').set(bearer(cast.clerk)).send(body));
    await committed(
      g,
      api(g).post(`/v1/contracts/${body.id}/milestones/M1/acceptance`).set(bearer(cast.inspector)).send({}),
    );

    const page = await eventually(
      'the accepted milestone on the public page',
      () => rawApi(g).get(`/v1/public/projects/${projectId}`),
      (r) => r.status === 200 && r.body.milestones?.some((m: { status: string }) => m.status === 'accepted'),
    );
    expect(page.body).to.include({
      id: projectId,
      name: '翠竹街道老旧小区改造',
      address: '翠竹路',
      status: 'approved',
    });
    expect(page.body.subdistrict.code).to.equal('cuizhu');
    expect(page.body.builder).to.deep.equal({ id: contractorId, name: page.body.builder.name });
    expect(page.body.builder.name).to.be.a('string').and.not.empty;
    expect(page.body.milestones.map((m: { id: string; status: string }) => [m.id, m.status])).to.deep.equal([
      ['M1', 'accepted'],
      ['M2', 'planned'],
    ]);
    expect(page.body.milestones[0].acceptedAt).to.be.a('string');
    expect(page.body.approvedAt).to.be.a('string');
    expect(page.body.contact).to.deep.equal({ bureau: 'HousingMSP', hotline: '12345' });
    const text = JSON.stringify(page.body);
    for (const internal of ['applicant', 'reviews', 'payee', 'files', cast.clerk.username, body.payee.account])
      expect(text, internal).to.not.include(internal);
  });

  it('when a project is only applied for, then its public page answers 404 as for an unknown ID', async () => {
    const projectId = uniqueId('P');
    await committed(
      g,
      api(g)
        .post('/v1/projects')
        .set(bearer(cast.contractor))
        .send({
          id: projectId,
          name: '未批项目',
          type: 'landscape',
          budget: 1_000_000,
          location: { address: '东门路', lat: 22.5475, lng: 114.1195 },
          contractorId: cast.contractor.company,
          files: filesOf(cast.contractor, [
            'application_form',
            'budget_estimate',
            'feasibility_study',
            'land_use_permit',
          ]),
        }),
    );
    const applied = await rawApi(g).get(`/v1/public/projects/${projectId}`);
    const unknown = await rawApi(g).get(`/v1/public/projects/${uniqueId('P')}`);
    expect([applied.status, unknown.status]).to.deep.equal([404, 404]);
    expect(applied.body.error.code).to.equal(unknown.body.error.code);
    const near = await rawApi(g).get('/v1/public/projects/nearby?lat=22.5475&lng=114.1195&radiusKm=0.5');
    expect(near.body.items.map((p: { id: string }) => p.id)).to.not.include(projectId);
  });

  it('when citizens look near an approved project, then it comes with its WGS-84 coordinates and address for the map', async () => {
    const { projectId } = await approvedProject(g, cast, undefined as never);
    const near = await eventually(
      'the project nearby',
      () => rawApi(g).get('/v1/public/projects/nearby?lat=22.5601&lng=114.1302&radiusKm=0.2'),
      (r) => r.body.items?.some((p: { id: string }) => p.id === projectId),
    );
    const item = near.body.items.find((p: { id: string }) => p.id === projectId);
    expect(item).to.include({ lat: 22.5601, lng: 114.1302, address: '翠竹路', distanceKm: 0 });
  });

  it('when the ID is not a ledger ID, then 400 and nothing is read', async () => {
    const res = await rawApi(g).get('/v1/public/projects/%20drop');
    expect(res.status).to.equal(400);
  });
});
