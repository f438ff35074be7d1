import { expect } from 'chai';
import { api, bearer, gatewayUnderTest, newUser, type TestGateway } from './support/gateway';

describe('dashboard: the district’s figures for directors and auditors', function () {
  this.timeout(90_000);
  let g: TestGateway;
  before(async () => {
    g = await gatewayUnderTest();
  });

  it('when a director or an auditor asks, then the figures come from the read model with every subdistrict; a contractor or a clerk is refused', async () => {
    const [director, auditor, contractor, clerk] = await Promise.all([
      newUser(g, 'director'),
      newUser(g, 'auditor'),
      newUser(g, 'contractor'),
      newUser(g, 'clerk'),
    ]);
    const res = await api(g).get('/v1/dashboard').set(bearer(director)).expect(200);
    expect(res.body.subdistricts).to.have.length(10);
    expect(res.body.payouts.withoutAcceptedMilestone).to.equal(0);
    expect(Object.values(res.body.approval.byStatus).reduce((a, b) => Number(a) + Number(b), 0)).to.be.a('number');
    await api(g).get('/v1/dashboard').set(bearer(auditor)).expect(200);
    await api(g).get('/v1/dashboard').set(bearer(contractor)).expect(403);
    await api(g).get('/v1/dashboard').set(bearer(clerk)).expect(403);
  });
});
