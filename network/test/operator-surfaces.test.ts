import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { operationsTarget } from '../src/health';
import { layout, nodeIdentity } from '../src/layout';
import { loadSettings } from '../src/settings';
import { address, loadTopology, OrdererNode, PeerNode } from '../src/topology';
import { suiteEnv } from './support/suite-network';

/** An HTTPS request to an operations endpoint: its status, or the error that ended it (a refused handshake). */
function request(url: string, method: string, options: https.RequestOptions, body?: string): Promise<number | Error> {
  return new Promise((resolve) => {
    const req = https.request(url, { ...options, method, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(err));
    req.end(body);
  });
}

/** Opens an HTTP/2 (gRPC) stream to a chaincode server and says whether the server answered with headers. */
function grpcAnswers(endpoint: string, tls: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<boolean> {
  return new Promise((resolve) => {
    const session = http2.connect(`https://${endpoint}`, { ...tls, servername: 'localhost' });
    const done = (answered: boolean) => {
      session.destroy();
      resolve(answered);
    };
    session.on('error', () => done(false));
    const stream = session.request({
      ':method': 'POST',
      ':path': '/protos.Chaincode/Connect',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('response', () => done(true));
    stream.on('error', () => done(false));
    stream.on('close', () => done(false));
    setTimeout(() => done(false), 5_000).unref();
    stream.end();
  });
}

/** Finding 11: the peers' and orderers' operations endpoints and the chaincode servers answered anyone on the machine. */
describe('operator surfaces of the network', function () {
  this.timeout(60_000);
  const s = loadSettings({ ...process.env, ...suiteEnv });
  const t = loadTopology(s);
  const peer = t.peerOrgs[0].peers[0] as PeerNode;
  const orderer = t.ordererOrg.orderers[0] as OrdererNode;

  for (const [what, node] of [
    ['peer', peer],
    ['orderer', orderer],
  ] as const) {
    it(`when anyone without a client certificate changes the ${what}'s log level or reads its metrics, then it is refused; the org's admin may`, async () => {
      const target = operationsTarget(s, t, node);
      const { cert: _c, key: _k, ...anonymous } = target.tls;
      const base = `https://${address(node.operations)}`;
      const put = await request(`${base}/logspec`, 'PUT', anonymous, JSON.stringify({ spec: 'debug' }));
      expect(put, 'PUT /logspec without a certificate').to.not.equal(200).and.not.equal(204);
      const metrics = await request(`${base}/metrics`, 'GET', anonymous);
      expect(metrics, 'GET /metrics without a certificate').to.not.equal(200);
      const plain = await new Promise<number | Error>((resolve) => {
        const req = http.get(`http://${address(node.operations)}/logspec`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', (err) => resolve(err));
      });
      expect(plain, 'plain HTTP').to.not.equal(200);
      expect(await request(`${base}/logspec`, 'GET', target.tls)).to.equal(200);
      expect(await request(`${base}/healthz`, 'GET', target.tls)).to.equal(200);
    });
  }

  it("when a TLS client without a certificate of the org's CA talks to a chaincode server, then it gets no answer; the org's peer identity does", async () => {
    const l = layout(s);
    const org = t.peerOrgs[0];
    const endpoint = address(org.chaincode!.listen);
    const ca = fs.readFileSync(l.caCert(org.name));
    expect(await grpcAnswers(endpoint, { ca }), 'no client certificate').to.equal(false);
    const other = t.peerOrgs[1].peers[0];
    const stranger = nodeIdentity(l, other);
    expect(
      await grpcAnswers(endpoint, {
        ca,
        cert: fs.readFileSync(stranger.tlsCert),
        key: fs.readFileSync(stranger.tlsKey),
      }),
      "another bureau's certificate",
    ).to.equal(false);
    const own = nodeIdentity(l, peer);
    expect(
      await grpcAnswers(endpoint, { ca, cert: fs.readFileSync(own.tlsCert), key: fs.readFileSync(own.tlsKey) }),
      'its own peer',
    ).to.equal(true);
  });
});
