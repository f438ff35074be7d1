import { expect } from 'chai';
import { withoutPassword } from '../../src/platform/postgres-indexes';

/** The PostgreSQL URL psql gets for the GIN indexes: every cluster named, the password taken out of it. */
describe('the PostgreSQL URL for psql (pure)', () => {
  it('when the URL names a primary and its standby, then both stay and the password is taken out, decoded', () => {
    expect(
      withoutPassword('postgres://luohu:a%2Fb%40c@127.0.0.1:7052,127.0.0.1:7056/luohu?target_session_attrs=read-write'),
    ).to.deep.equal({
      url: 'postgres://luohu@127.0.0.1:7052,127.0.0.1:7056/luohu?target_session_attrs=read-write',
      password: 'a/b@c',
    });
  });

  it('when the URL has a user and no password, then it is kept as it is', () => {
    expect(withoutPassword('postgres://luohu@127.0.0.1:7052/luohu')).to.deep.equal({
      url: 'postgres://luohu@127.0.0.1:7052/luohu',
      password: '',
    });
  });
});
