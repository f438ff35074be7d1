import fs from 'node:fs';
import { builtVersions, ensureBinaries } from './binaries';
import { brokerProcess } from './broker';
import { issueIdentity, Registration, writeOrgMsp } from './ca';
import { currentDeployment, deployChaincode } from './chaincode';
import { ensureGenesisBlock, joinOrderers, joinPeers } from './channel';
import { writeConfigs } from './configs';
import { writeConnectionDescription } from './connection';
import { currentDatabase, databaseProcess, dropDatabase, ensureDatabase, psql } from './database';
import {
  gossipPeersKnown,
  operationsHealthy,
  operationsTarget,
  ordererChannel,
  peerHeight,
  raftLeader,
} from './health';
import { ensureHosts, hostsIn, removeHosts } from './hosts';
import { layout } from './layout';
import { gatewayProcess, processFor } from './nodes';
import { assertPortsFree, portAccepts, runningPid, startAndWait, stop, waitFor } from './processes';
import { note, timed } from './progress';
import { readRoles } from './postgres/roles';
import { startClusters } from './postgres/start';
import { Settings } from './settings';
import { address, endpointsOf, GatewayNode, NetworkNode, Org, tlsHosts, Topology } from './topology';

/** The test suite runs gateways of its own: LUOHU_GATEWAY=off leaves the topology's gateway out. */
const gatewayWanted = () => process.env.LUOHU_GATEWAY !== 'off';

/** Bureau admins may register any user type with any attribute, revoke, and issue CRLs. */
const ADMIN_ATTRS =
  '"hf.Registrar.Roles=client,user,peer,admin",hf.Registrar.Attributes=*,hf.Revoker=true,hf.GenCRL=true,role=admin:ecert';

function registrations(org: Org): Registration[] {
  return [
    { name: 'admin', type: 'admin', attrs: ADMIN_ATTRS, tlsHosts: ['localhost'] },
    ...org.orderers.map((o): Registration => ({ name: o.name, type: 'orderer', tlsHosts: tlsHosts(o) })),
    ...org.peers.map((p): Registration => ({ name: p.name, type: 'peer', tlsHosts: tlsHosts(p) })),
    ...(org.chaincode
      ? [{ name: 'chaincode', type: 'client', tlsHosts: tlsHosts(org.chaincode) } as Registration]
      : []),
  ];
}

/** Whether a node answers as it should when up (what `up` waits for and `status` shows). */
export async function nodeHealthy(s: Settings, t: Topology, n: NetworkNode): Promise<boolean> {
  switch (n.kind) {
    case 'ca':
      return operationsHealthy(n.operations);
    // /healthz answers before the gRPC port listens: both must be up.
    case 'orderer':
      return (
        (await operationsHealthy(operationsTarget(s, t, n))) &&
        (await portAccepts(n.listen)) &&
        (await portAccepts(n.admin))
      );
    case 'peer':
      return (await operationsHealthy(operationsTarget(s, t, n))) && (await portAccepts(n.listen));
    case 'chaincode':
    case 'database':
    case 'broker':
      return portAccepts(n.listen);
    case 'postgres':
      return (await psql(s, n.listen, 'postgres', 'SELECT 1')).trim() === '1';
    case 'keeper':
      return fetch(`http://${address(n.listen)}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok);
    case 'gateway':
      return operationsHealthy(n.listen);
  }
}

async function startNodes(
  s: Settings,
  t: Topology,
  nodes: Exclude<NetworkNode, { kind: 'chaincode' | 'postgres' | 'keeper' | 'database' | 'broker' | 'gateway' }>[],
): Promise<void> {
  const toStart = nodes.filter((n) => runningPid(s, n.id) === undefined);
  if (toStart.length === 0) return;
  await timed(`Starting ${toStart.map((n) => n.id).join(', ')}`, async () => {
    await Promise.all(
      toStart.map((n) =>
        startAndWait(s, processFor(s, n), `${n.id} to be healthy`, () => nodeHealthy(s, t, n), 60_000),
      ),
    );
  });
}

/** Brings the network up, resuming existing data; returns once every node is healthy and the channel has a Raft leader. */
export async function up(s: Settings, t: Topology): Promise<void> {
  if (s.hosts === 'netns') await timed('Setting up the hosts (network namespaces)', () => ensureHosts(s, hostsIn(t)));
  // Fail fast, before touching anything, if another program holds a port one of our stopped nodes needs.
  for (const n of t.nodes) {
    if (n.kind === 'gateway' && !gatewayWanted()) continue;
    if (runningPid(s, n.id) !== undefined) continue;
    // A node on a host of its own (LUOHU_HOSTS=netns) is alone there with its ports.
    if ('placement' in n && n.placement) continue;
    await assertPortsFree(n.id, endpointsOf(n));
  }
  await ensureBinaries(s);
  fs.mkdirSync(s.runDir, { recursive: true });

  await startNodes(
    s,
    t,
    t.orgs.map((o) => o.ca),
  );
  await startDatabase(s, t);
  await timed("Issuing identities from the bureaus' CAs", () =>
    Promise.all(
      t.orgs.map(async (org) => {
        writeOrgMsp(s, org);
        for (const r of registrations(org)) await issueIdentity(s, org, r);
      }),
    ),
  );
  for (const id of writeConfigs(s, t)) {
    if (runningPid(s, id) === undefined) continue;
    // It runs with the config it was started with: stopped here, started again below with the new one.
    note(`restarting ${id}: its config changed`);
    await stop(s, id);
  }
  await ensureGenesisBlock(s, t);

  await startNodes(s, t, t.ordererOrg.orderers);
  const orderersJoined = await joinOrderers(s, t);
  if (orderersJoined.length) note(`joined ${orderersJoined.join(', ')} to channel ${t.channel}`);
  await timed(`Waiting for a Raft leader on ${t.channel}`, () =>
    waitFor('a Raft leader', async () => (await raftLeader(s, t)) !== undefined, 60_000),
  );

  await startNodes(
    s,
    t,
    t.peerOrgs.flatMap((o) => o.peers),
  );
  const peersJoined = await joinPeers(s, t);
  if (peersJoined.length) note(`joined ${peersJoined.join(', ')} to channel ${t.channel}`);

  const deployment = await deployChaincode(s, t);
  await waitFor(
    'chaincode servers',
    async () => (await Promise.all(t.peerOrgs.map((o) => portAccepts(o.chaincode!.listen)))).every(Boolean),
    30_000,
  );
  // Until gossip has met every peer, discovery cannot plan a cross-bureau endorsement and submits fail.
  const peers = t.peerOrgs.flatMap((o) => o.peers);
  await timed('Waiting for the peers to find each other through gossip', () =>
    waitFor(
      'gossip membership',
      async () =>
        (await Promise.all(peers.map((p) => gossipPeersKnown(operationsTarget(s, t, p), t.channel)))).every(
          (known) => known === peers.length - 1,
        ),
      180_000,
    ),
  );
  writeConnectionDescription(s, t);
  await startBroker(s, t);
  await waitFor('a Raft leader', async () => (await raftLeader(s, t)) !== undefined, 60_000);
  if (gatewayWanted()) {
    // The first replica first: it creates the database's collections through its FerretDB, and each FerretDB reads the
    // collection list once, at its first request (FerretDB v1 caches it). Another replica's FerretDB that read the list
    // before the collections existed would fail every write to them until restarted.
    const [first, ...others] = t.gateways;
    for (const replicas of [[first], others])
      await Promise.all(replicas.filter((g) => runningPid(s, g.id) === undefined).map((g) => startGateway(s, t, g)));
  }
  note(
    `network up: channel ${t.channel}, chaincode ${deployment.label} (sequence ${deployment.sequence}); connection description at ${layout(s).connectionFile}`,
  );
}

async function startGateway(s: Settings, t: Topology, g: GatewayNode): Promise<void> {
  await timed(`Starting the gateway on http://${address(g.listen)}`, () =>
    startAndWait(
      s,
      gatewayProcess(s, t, g),
      `the gateway (${g.id}) to answer /healthz`,
      () => nodeHealthy(s, t, g),
      90_000,
    ),
  );
}

async function startBroker(s: Settings, t: Topology): Promise<void> {
  if (runningPid(s, t.broker.id) !== undefined) return;
  await timed(`Starting the MQTT broker on ${address(t.broker.listen)}`, () =>
    startAndWait(
      s,
      brokerProcess(s, t.broker),
      'the MQTT broker to accept connections',
      () => portAccepts(t.broker.listen),
      30_000,
    ),
  );
}

async function startDatabase(s: Settings, t: Topology): Promise<void> {
  await ensureDatabase(s, await startClusters(s, t, (n) => nodeHealthy(s, t, n)));
  // One FerretDB per gateway replica, each over whichever cluster is the primary (FerretDB keeps no state of its own).
  await Promise.all(
    t.databases
      .filter((f) => runningPid(s, f.id) === undefined)
      .map((f) =>
        timed(`Starting FerretDB on ${address(f.listen)}`, () =>
          startAndWait(
            s,
            databaseProcess(s, f),
            `FerretDB (${f.id}) to accept connections`,
            () => portAccepts(f.listen),
            30_000,
          ),
        ),
      ),
  );
}

/** Stops every process, chaincode servers first and CAs last; data stays. */
export async function down(s: Settings, t: Topology): Promise<void> {
  // The keeper first: a primary stopped under its eyes would be failed over.
  const order: NetworkNode['kind'][] = [
    'keeper',
    'gateway',
    'broker',
    'chaincode',
    'peer',
    'orderer',
    'ca',
    'database',
    'postgres',
  ];
  // PostgreSQL is given time to write its checkpoint: a shorter stop would leave it crash recovery at the next start.
  for (const kind of order)
    await Promise.all(
      t.nodes.filter((n) => n.kind === kind).map((n) => stop(s, n.id, n.kind === 'postgres' ? 30_000 : 5_000)),
    );
}

export async function clean(s: Settings, t: Topology): Promise<void> {
  await down(s, t);
  await dropDatabase(s);
  fs.rmSync(s.runDir, { recursive: true, force: true });
  if (s.hosts === 'netns') await removeHosts(s);
}

export interface NodeStatus {
  id: string;
  kind: string;
  org: string;
  mspId: string;
  endpoint: string;
  pid: number | null;
  healthy: boolean;
  height: number | null;
  /** A PostgreSQL cluster's role as the keeper recorded it (postgres/roles.ts). */
  role?: 'primary' | 'standby' | 'synchronous standby';
}

export async function status(s: Settings, t: Topology) {
  const roles = readRoles(s, t);
  const roleOf = (id: string) =>
    id === roles.primary ? 'primary' : roles.synchronous ? 'synchronous standby' : 'standby';
  const nodes: NodeStatus[] = await Promise.all(
    t.nodes
      .filter((n) => n.kind !== 'gateway' || gatewayWanted())
      .map(async (n) => {
        const pid = runningPid(s, n.id) ?? null;
        const healthy = pid !== null && (await nodeHealthy(s, t, n).catch(() => false));
        let height: number | null = null;
        if (healthy && n.kind === 'peer') height = (await peerHeight(operationsTarget(s, t, n), t.channel)) ?? null;
        if (healthy && n.kind === 'orderer')
          height = (await ordererChannel(s, t, n).catch(() => undefined))?.height ?? null;
        return {
          id: n.id,
          kind: n.kind,
          org: n.org,
          mspId: n.mspId,
          endpoint: address(n.listen),
          pid,
          healthy,
          height,
          ...(n.kind === 'postgres' ? { role: roleOf(n.id) } : {}),
        };
      }),
  );
  const leader = await raftLeader(s, t).catch(() => undefined);
  const versions = builtVersions(s);
  return {
    fabricVersion: versions?.fabric ?? null,
    fabricCaVersion: versions?.fabricCa ?? null,
    basePort: s.basePort,
    runDir: s.runDir,
    channel: {
      name: t.channel,
      orgs: t.orgs.map((o) => ({ name: o.name, mspId: o.mspId, displayName: o.displayName })),
      raftLeader: leader?.id ?? null,
    },
    chaincode: currentDeployment(s) ?? null,
    database: currentDatabase(s) ?? null,
    nodes,
  };
}
