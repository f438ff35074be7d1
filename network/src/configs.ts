import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { sampleConfigDir } from './binaries';
import { layout, nodeIdentity } from './layout';
import { Settings } from './settings';
import { address, OrdererNode, PeerNode, Topology } from './topology';

/** The external builder the peers run chaincode-as-a-service with (network/builder). */
export const BUILDER_NAME = 'luohu-ccaas';

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function set(doc: Yaml, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let at = doc;
  for (const k of keys.slice(0, -1)) at = at[k] ??= {};
  at[keys[keys.length - 1]] = value;
}

function fromSample(s: Settings, file: string, overrides: Record<string, unknown>): string {
  const doc: Yaml = parse(fs.readFileSync(path.join(sampleConfigDir(s), file), 'utf8'));
  for (const [k, v] of Object.entries(overrides)) set(doc, k, v);
  return `# Generated from network/topology.yaml over Fabric's sampleconfig/${file}; do not edit.\n${stringify(doc)}`;
}

/** core.yaml for a peer: Fabric's sample with this peer's endpoints, identity, TLS, storage and our external builder. */
export function coreYaml(s: Settings, t: Topology, peer: PeerNode): string {
  const l = layout(s);
  const id = nodeIdentity(l, peer);
  const orgPeers = t.peerOrgs.find((o) => o.name === peer.org)!.peers;
  return fromSample(s, 'core.yaml', {
    'peer.id': peer.id,
    'peer.networkId': t.channel,
    'peer.listenAddress': address(peer.listen),
    'peer.address': address(peer.listen),
    'peer.chaincodeListenAddress': address(peer.chaincode),
    'peer.chaincodeAddress': address(peer.chaincode),
    'peer.localMspId': peer.mspId,
    'peer.mspConfigPath': id.msp,
    'peer.fileSystemPath': l.dataDir(peer),
    'peer.gossip.bootstrap': orgPeers.map((p) => address(p.listen)),
    'peer.gossip.endpoint': address(peer.listen),
    // Without an external endpoint other orgs (and the gateway's discovery) never learn of this peer.
    'peer.gossip.externalEndpoint': address(peer.listen),
    // Alive messages carry membership and installed chaincodes; the 5 s default left discovery blind for seconds
    // after a restart. Three peers make 1 s heartbeats cheap.
    'peer.gossip.aliveTimeInterval': '1s',
    'peer.gossip.aliveExpirationTimeout': '10s',
    'peer.tls.enabled': true,
    'peer.tls.cert.file': id.tlsCert,
    'peer.tls.key.file': id.tlsKey,
    'peer.tls.rootcert.file': id.tlsCa,
    'peer.tls.clientRootCAs.files': [id.tlsCa],
    'peer.gateway.enabled': true,
    // How long a gateway peer waits for another bureau's endorsement. A bureau cut off the network drops packets
    // instead of refusing them: with the 30 s default the client's deadline (15 s) came first and the write failed
    // without naming the bureau. At 5 s the peer gives up on it first and tries a layout of the other two bureaus
    // (hosts.test.ts: 0 failed writes after the cut, was 1 per run).
    'peer.gateway.endorsementTimeout': '5s',
    // No Docker here: an empty endpoint (set in the file; an empty env value is ignored) plus an external builder.
    'vm.endpoint': '',
    'chaincode.externalBuilders': [
      {
        name: BUILDER_NAME,
        path: path.join(s.repoRoot, 'network', 'builder'),
        propagateEnvironment: [
          'LUOHU_CHAINCODE_ADDRESS',
          'LUOHU_CHAINCODE_TLS_ROOT',
          'LUOHU_CHAINCODE_CLIENT_CERT',
          'LUOHU_CHAINCODE_CLIENT_KEY',
        ],
      },
    ],
    'ledger.state.stateDatabase': 'goleveldb',
    'operations.listenAddress': address(peer.operations),
    // /logspec and /metrics only for a client certificate of this org (the network's checks use the org admin's).
    'operations.tls.enabled': true,
    'operations.tls.cert.file': id.tlsCert,
    'operations.tls.key.file': id.tlsKey,
    'operations.tls.clientAuthRequired': true,
    'operations.tls.clientRootCAs.files': [id.tlsCa],
    'metrics.provider': 'prometheus',
  });
}

/** orderer.yaml: channel participation (no system channel), Raft over the general TLS listener, an mTLS admin endpoint. */
export function ordererYaml(s: Settings, orderer: OrdererNode): string {
  const l = layout(s);
  const id = nodeIdentity(l, orderer);
  const data = l.dataDir(orderer);
  return fromSample(s, 'orderer.yaml', {
    'General.ListenAddress': orderer.listen.host,
    'General.ListenPort': orderer.listen.port,
    'General.TLS.Enabled': true,
    'General.TLS.PrivateKey': id.tlsKey,
    'General.TLS.Certificate': id.tlsCert,
    'General.TLS.RootCAs': [id.tlsCa],
    'General.Cluster.ClientCertificate': id.tlsCert,
    'General.Cluster.ClientPrivateKey': id.tlsKey,
    'General.Cluster.RootCAs': [id.tlsCa],
    'General.BootstrapMethod': 'none',
    'General.LocalMSPDir': id.msp,
    'General.LocalMSPID': orderer.mspId,
    'FileLedger.Location': path.join(data, 'ledger'),
    'Consensus.WALDir': path.join(data, 'etcdraft', 'wal'),
    'Consensus.SnapDir': path.join(data, 'etcdraft', 'snapshot'),
    'Operations.ListenAddress': address(orderer.operations),
    'Operations.TLS.Enabled': true,
    'Operations.TLS.PrivateKey': id.tlsKey,
    'Operations.TLS.Certificate': id.tlsCert,
    'Operations.TLS.ClientAuthRequired': true,
    'Operations.TLS.ClientRootCAs': [id.tlsCa],
    'Metrics.Provider': 'prometheus',
    'Admin.ListenAddress': address(orderer.admin),
    'Admin.TLS.Enabled': true,
    'Admin.TLS.PrivateKey': id.tlsKey,
    'Admin.TLS.Certificate': id.tlsCert,
    'Admin.TLS.ClientAuthRequired': true,
    'Admin.TLS.ClientRootCAs': [id.tlsCa],
    'ChannelParticipation.Enabled': true,
  });
}

const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
const implicitMeta = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });

/** configtx.yaml with one profile: the application channel, its three bureaus and the Raft ordering service. */
export function configtxYaml(s: Settings, t: Topology): string {
  const l = layout(s);
  const org = (o: Topology['orgs'][number]) => ({
    Name: o.mspId,
    ID: o.mspId,
    MSPDir: l.orgMsp(o.name),
    Policies: {
      Readers: signature(`OR('${o.mspId}.admin', '${o.mspId}.peer', '${o.mspId}.client', '${o.mspId}.orderer')`),
      Writers: signature(`OR('${o.mspId}.admin', '${o.mspId}.client', '${o.mspId}.orderer')`),
      Admins: signature(`OR('${o.mspId}.admin')`),
      Endorsement: signature(`OR('${o.mspId}.peer')`),
    },
    ...(o.orderers.length ? { OrdererEndpoints: o.orderers.map((n) => address(n.listen)) } : {}),
    ...(o.peers.length
      ? { AnchorPeers: o.peers.slice(0, 1).map((p) => ({ Host: p.listen.host, Port: p.listen.port })) }
      : {}),
  });
  const raft = t.ordering.raft;
  const profile = {
    Policies: {
      Readers: implicitMeta('ANY Readers'),
      Writers: implicitMeta('ANY Writers'),
      Admins: implicitMeta('MAJORITY Admins'),
    },
    Capabilities: { V2_0: true },
    Orderer: {
      OrdererType: 'etcdraft',
      BatchTimeout: t.ordering.batchTimeout,
      BatchSize: {
        MaxMessageCount: t.ordering.maxMessageCount,
        AbsoluteMaxBytes: t.ordering.absoluteMaxBytes,
        PreferredMaxBytes: t.ordering.preferredMaxBytes,
      },
      EtcdRaft: {
        Consenters: t.ordererOrg.orderers.map((n) => {
          const id = nodeIdentity(l, n);
          return { Host: n.listen.host, Port: n.listen.port, ClientTLSCert: id.tlsCert, ServerTLSCert: id.tlsCert };
        }),
        Options: {
          TickInterval: raft.tickInterval,
          ElectionTick: raft.electionTick,
          HeartbeatTick: raft.heartbeatTick,
          MaxInflightBlocks: raft.maxInflightBlocks,
          SnapshotIntervalSize: raft.snapshotIntervalSize,
        },
      },
      Organizations: [org(t.ordererOrg)],
      Policies: {
        Readers: implicitMeta('ANY Readers'),
        Writers: implicitMeta('ANY Writers'),
        Admins: implicitMeta('MAJORITY Admins'),
        BlockValidation: implicitMeta('ANY Writers'),
      },
      Capabilities: { V2_0: true },
    },
    Application: {
      Organizations: t.peerOrgs.map(org),
      Policies: {
        Readers: implicitMeta('ANY Readers'),
        Writers: implicitMeta('ANY Writers'),
        Admins: implicitMeta('MAJORITY Admins'),
        // Chaincode definitions and every write need a majority of the bureaus (2 of 3) unless a key says otherwise.
        LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
        Endorsement: implicitMeta('MAJORITY Endorsement'),
      },
      Capabilities: { V2_5: true },
    },
  };
  return `# Generated from network/topology.yaml; do not edit.\n${stringify({ Profiles: { LuohuChannel: profile } })}`;
}

/**
 * Writes every node's config; cheap, so done on every `up` to follow topology edits (and this code's). Returns the
 * orderers and peers whose config changed: a running one still has the old one and must be restarted to follow.
 */
export function writeConfigs(s: Settings, t: Topology): string[] {
  const l = layout(s);
  const changed: string[] = [];
  for (const o of t.ordererOrg.orderers)
    if (writeFile(path.join(l.configDir(o), 'orderer.yaml'), ordererYaml(s, o))) changed.push(o.id);
  for (const org of t.peerOrgs)
    for (const p of org.peers)
      if (writeFile(path.join(l.configDir(p), 'core.yaml'), coreYaml(s, t, p))) changed.push(p.id);
  writeFile(path.join(l.channelDir, 'configtx.yaml'), configtxYaml(s, t));
  return changed;
}

/** Writes the file unless it already holds `content`; true when it did not. */
function writeFile(file: string, content: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return true;
}
