import { expect } from 'chai';
import { withoutPassword } from '../../src/platform/postgres-indexes';
import { clustersOf } from '../../src/platform/postgres-primary';

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

/** The clusters the gateway's own PostgreSQL client tries in turn for the primary (platform/postgres-primary.ts). */
describe('the clusters of a PostgreSQL URL (pure)', () => {
  it('when the URL names a primary and its standby, then both are tried in order, with the user, password and database', () => {
    expect(
      clustersOf('postgres://luohu:a%2Fb%40c@127.0.0.1:7052,127.0.0.1:7056/luohu?target_session_attrs=read-write'),
    ).to.deep.equal({
      user: 'luohu',
      password: 'a/b@c',
      database: 'luohu',
      hosts: [
        { host: '127.0.0.1', port: 7052 },
        { host: '127.0.0.1', port: 7056 },
      ],
    });
  });

  it('when a host has no port, then it is 5432; and a URL with no database is refused', () => {
    expect(clustersOf('postgres://u@db.example/d').hosts).to.deep.equal([{ host: 'db.example', port: 5432 }]);
    expect(() => clustersOf('postgres://u@db.example')).to.throw(/no user, host or database/);
  });
});
