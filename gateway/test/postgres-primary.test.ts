import net from 'node:net';
import { expect } from 'chai';
import { clustersOf, PostgresPrimary } from '../src/platform/postgres-primary';
import { testConfig } from './support/gateway';

/** The gateway's own PostgreSQL client on the suite's clusters (a primary and its synchronous standby). */
describe("the gateway's PostgreSQL client finds the primary", function () {
  this.timeout(60_000);
  const url = () => testConfig().connection.database.postgresql!;
  /** The same URL naming these hosts instead. */
  const naming = (hosts: string[]) => url().replace(/@[^/]+\//, `@${hosts.join(',')}/`);
  const clients: PostgresPrimary[] = [];
  const client = (u: string) => {
    const c = new PostgresPrimary(u);
    clients.push(c);
    return c;
  };

  after(async () => {
    for (const c of clients) await c.close();
  });

  it('when the URL names the standby first, then its queries run on the primary', async () => {
    const hosts = clustersOf(url()).hosts.map((h) => `${h.host}:${h.port}`);
    expect(hosts, 'the suite runs a primary and a standby').to.have.length(2);
    for (const order of [hosts, [...hosts].reverse()]) {
      const { rows } = await client(naming(order)).query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
      expect(rows[0].standby, `named ${order.join(',')}`).to.equal(false);
    }
  });

  it('when the first cluster named refuses connections, then the next is used', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const hosts = clustersOf(url()).hosts.map((h) => `${h.host}:${h.port}`);
    const { rows } = await client(naming([`127.0.0.1:${closed}`, ...hosts])).query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0].one).to.equal(1);
  });

  it('when the URL names only the standby, then its queries fail saying so; only the primary answers', async () => {
    const answers = await Promise.all(
      clustersOf(url()).hosts.map((h) =>
        client(naming([`${h.host}:${h.port}`]))
          .query('SELECT 1')
          .then(
            () => 'answered',
            (err: Error) => err.message,
          ),
      ),
    );
    expect(answers.filter((a) => a === 'answered')).to.have.length(1);
    expect(answers.find((a) => a !== 'answered')).to.match(/no PostgreSQL primary: .* is a standby/);
  });
});
