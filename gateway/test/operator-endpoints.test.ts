import { expect } from 'chai';
import { api, bearer, gatewayUnderTest, newUser, operatorAuth, TestGateway } from './support/gateway';

/** Finding 11: /metrics and /readyz told anyone the peers' heights, internal errors and every metric. */
describe('operator endpoints', () => {
  let g: TestGateway;
  before(async () => {
    g = await gatewayUnderTest();
  });

  it("when /metrics or /readyz is asked without the operator token, or with a user's session, then 401 and nothing is told", async () => {
    const clerk = await newUser(g, 'clerk');
    for (const path of ['/metrics', '/readyz']) {
      const anonymous = await api(g).get(path).expect(401);
      expect(anonymous.text).to.not.match(/luohu_|peers|height/);
      await api(g).get(path).set(bearer(clerk)).expect(401);
      await api(g).get(path).set({ authorization: 'Bearer not-the-operator-token-at-all-x' }).expect(401);
    }
  });

  it('when the operator asks with the token, then /metrics and /readyz answer; /healthz answers anyone with no detail', async () => {
    expect((await api(g).get('/metrics').set(operatorAuth()).expect(200)).text).to.match(/luohu_/);
    expect((await api(g).get('/readyz').set(operatorAuth()).expect(200)).body.peers).to.have.length(3);
    expect((await api(g).get('/healthz').expect(200)).body).to.deep.equal({ status: 'ok' });
  });
});
