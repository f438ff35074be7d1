import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { Contract, Gateway } from '@hyperledger/fabric-gateway';
import {
  connectAs,
  EnrolledUser,
  orgByMsp,
  peerClient,
  readConnectionDescription,
  registerAndEnroll,
} from '../src/client';
import { hostsLeft, setHostLink } from '../src/hosts';
import { layout, nodeIdentity } from '../src/layout';
import { loadSettings } from '../src/settings';
import { loadTopology, PeerNode } from '../src/topology';
import { eventually, networkCli, StatusNode, StatusReport, suiteEnv } from './support/suite-network';

/**
 * Issue 14, "each bureau on its own host": a network of its own (the suite's base port + 600) with LUOHU_HOSTS=netns,
 * so that every bureau's CA, peer and chaincode server, and every orderer, run in a network namespace of their own
 * with their own address, reached over a bridge. One bureau's link is cut (its processes keep running): the other
 * two keep writing (MAJORITY endorsement); when the link returns, the cut bureau's peer catches up.
 */
describe('each bureau on its own host (network namespaces)', function () {
  this.timeout(5 * 60_000);
  const basePort = Number(suiteEnv.LUOHU_BASE_PORT) + 600;
  const env = {
    LUOHU_BASE_PORT: String(basePort),
    LUOHU_NETWORK_DIR: path.resolve(`${suiteEnv.LUOHU_NETWORK_DIR}-hosts`),
    LUOHU_HOSTS: 'netns',
    LUOHU_GATEWAY: 'off',
  };
  const settings = loadSettings({ ...process.env, ...env });
  const topology = loadTopology(settings);
  const peer = (org: string): PeerNode => topology.peerOrgs.find((o) => o.name === org)!.peers[0];
  const cut = peer('finance');
  const clients: grpc.Client[] = [];
  const gateways: Gateway[] = [];
  let writer: EnrolledUser;
  /** The anchor contract through each bureau's own peer, evaluated by that bureau only. */
  let through: Record<string, Contract>;

  const cli = async (...args: string[]) => {
    const result = await networkCli(args, env, args[0] === 'up');
    if (result.code !== 0) throw new Error(`network ${args.join(' ')} failed (${result.code}):\n${result.stderr}`);
    return result.stdout;
  };
  type Status = Omit<StatusReport, 'nodes'> & { nodes: (StatusNode & { endpoint: string })[] };
  const status = async (): Promise<Status> => JSON.parse(await cli('status', '--json'));
  const nodeIn = (s: Status, id: string) => s.nodes.find((n) => n.id === id)!;
  const peerHeights = (s: StatusReport) => s.nodes.filter((n) => n.kind === 'peer').map((n) => n.height);

  async function anchor(contract: Contract): Promise<string> {
    const batchId = `hosts-${crypto.randomUUID()}`;
    const commit = await contract.submitAsync('anchorBatch', {
      arguments: [batchId, crypto.createHash('sha256').update(batchId).digest('hex'), '1', 'sensor-log'],
    });
    const result = await commit.getStatus();
    expect(result.successful, `transaction ${result.transactionId} code ${result.code}`).to.equal(true);
    return batchId;
  }
  const read = async (org: string, batchId: string) =>
    Buffer.from(
      await through[org].evaluate('readBatch', {
        arguments: [batchId],
        endorsingOrganizations: [peer(org).mspId],
      }),
    ).toString();

  before(async function () {
    this.timeout(15 * 60_000);
    if (process.getuid?.() !== 0) {
      process.stderr.write('      skipped: network namespaces need root (CI runs the suite as root)\n');
      this.skip();
    }
    // A killed earlier run may have left processes, namespaces and links: clean removes what carries this base port's prefix.
    await cli('clean');
    expect(await hostsLeft(basePort)).to.deep.equal([]);
    await cli('up');
    const description = readConnectionDescription(env.LUOHU_NETWORK_DIR);
    writer = await registerAndEnroll(orgByMsp(description, 'HousingMSP'), `inspector-${crypto.randomUUID()}`, {
      role: 'inspector',
    });
    through = {};
    for (const org of topology.peerOrgs) {
      const client = peerClient(orgByMsp(description, org.mspId));
      const gateway = connectAs(writer, client);
      clients.push(client);
      gateways.push(gateway);
      through[org.name] = gateway.getNetwork(description.channel).getContract(description.chaincode, 'anchor');
    }
  });

  after(async function () {
    this.timeout(2 * 60_000);
    if (process.getuid?.() !== 0) return;
    gateways.forEach((g) => g.close());
    clients.forEach((c) => c.close());
    if (process.env.LUOHU_TEST_KEEP_NETWORK) return;
    await setHostLink(cut.placement!, 'up').catch(() => undefined);
    await cli('clean');
    expect(await hostsLeft(basePort)).to.deep.equal([]);
  });

  it('when the network is up, then every node listens on its own host address and each host answers under its TLS name', async () => {
    const s = await status();
    expect(s.nodes.filter((n) => !n.healthy).map((n) => n.id)).to.deep.equal([]);
    // The bureaus' and the orderers' nodes (the database, the broker and the gateway stay on this machine's loopback).
    const placed = topology.nodes.filter((n) => ['ca', 'orderer', 'peer', 'chaincode'].includes(n.kind));
    const hostOf = new Map(placed.map((n) => [n.id, nodeIn(s, n.id).endpoint.split(':')[0]]));
    // Bureau nodes share their bureau's host; every orderer has one of its own; nothing is on 127.0.0.1.
    expect(hostOf.get('peer0.housing')).to.equal(hostOf.get('ca.housing'));
    expect(new Set(topology.ordererOrg.orderers.map((o) => hostOf.get(o.id))).size).to.equal(3);
    expect(new Set(topology.peerOrgs.map((o) => hostOf.get(o.peers[0].id))).size).to.equal(3);
    for (const [id, host] of hostOf) expect(host, id).to.match(/^10\.\d+\.\d+\.\d+$/);
    // Their TLS certificates name their host (address and name), not this machine's loopback.
    for (const n of [peer('housing'), topology.ordererOrg.orderers[0]]) {
      const cert = new X509Certificate(fs.readFileSync(nodeIdentity(layout(settings), n).tlsCert));
      expect(cert.subjectAltName, n.id).to.equal(`DNS:${n.placement!.tlsName}, IP Address:${n.listen.host}`);
    }
    // A write goes through housing's peer, endorsed across hosts, and every bureau reads it back.
    const batchId = await anchor(through.housing);
    for (const org of topology.peerOrgs.map((o) => o.name))
      expect(
        JSON.parse(await eventually(`${org} to read the batch`, () => read(org, batchId).catch(() => ''), Boolean)),
      ).to.include({ batchId });
  });

  it("when one bureau's link is cut, then the other two keep writing, and when it returns its peer catches up to the same height and state", async () => {
    const before = await eventually('peers in step', status, (s) => new Set(peerHeights(s)).size === 1);
    const heightBefore = nodeIn(before, cut.id).height!;

    await setHostLink(cut.placement!, 'down');
    const cutAt = Date.now();
    const since = (at: number) => `${((Date.now() - at) / 1000).toFixed(1)} s`;
    // Cut, not killed: its process runs, but nothing reaches it.
    const during = await eventually(
      `${cut.id} to be unreachable`,
      status,
      (s) => !nodeIn(s, cut.id).healthy && nodeIn(s, cut.id).pid !== null,
    );
    expect(nodeIn(during, `chaincode.${cut.org}`).pid).to.not.equal(null);
    process.stderr.write(`      ${cut.id} unreachable: ${since(cutAt)} after the cut\n`);

    // Until gossip lets go of the cut peer (alive expiration 10 s), an endorsement may still be planned with it and
    // hang until the client's deadline: like any client, the test retries a write that failed.
    const written: string[] = [];
    let failures = 0;
    for (let i = 0; i < 6; i++) {
      const via = i % 2 ? 'audit' : 'housing';
      written.push(
        await eventually(
          `a write through ${via}'s peer, endorsed by the two bureaus still reachable`,
          () =>
            anchor(through[via]).catch((err: Error) => {
              failures++;
              process.stderr.write(
                `      ${since(cutAt)} after the cut, through ${via}: ${err.message.split('\n')[0]}\n`,
              );
              return `failed: ${err.message}`;
            }),
          (r) => !r.startsWith('failed:'),
          120_000,
        ),
      );
    }
    process.stderr.write(
      `      6 writes with ${cut.org} cut off, done ${since(cutAt)} after the cut (${failures} attempts failed)\n`,
    );
    const cutOff = await status();
    expect(nodeIn(cutOff, cut.id).healthy).to.equal(false);
    expect(nodeIn(cutOff, 'peer0.housing').height).to.be.greaterThan(heightBefore + 5);

    await setHostLink(cut.placement!, 'up');
    const restoredAt = Date.now();
    const after = await eventually(
      `${cut.id} to catch up`,
      status,
      (s) =>
        s.nodes.every((n) => n.healthy) &&
        new Set(peerHeights(s)).size === 1 &&
        nodeIn(s, cut.id).height! >= nodeIn(cutOff, 'peer0.housing').height!,
      180_000,
    );
    process.stderr.write(`      ${cut.id} caught up ${since(restoredAt)} after the link returned\n`);
    expect(nodeIn(after, cut.id).height).to.be.greaterThan(heightBefore + 5);
    // The test's own client connections to the cut peer broke with the link: the first calls may fail until they reconnect.
    for (const batchId of written) {
      const answers = await eventually(
        `every bureau to answer for ${batchId}`,
        () =>
          Promise.all(
            topology.peerOrgs.map((o) => read(o.name, batchId).catch((err: Error) => `failed: ${err.message}`)),
          ),
        (a) => a.every((x) => !x.startsWith('failed:')),
      );
      expect(new Set(answers).size, batchId).to.equal(1);
      expect(JSON.parse(answers[0])).to.include({ batchId });
    }
  });
});
