import path from 'node:path';
import { binary } from './binaries';
import { brokerUrl } from './broker';
import { caProcess } from './ca';
import { layout, nodeIdentity } from './layout';
import { ProcessSpec } from './processes';
import { Settings } from './settings';
import {
  address,
  BrokerNode,
  ChaincodeNode,
  DatabaseNode,
  GatewayNode,
  KeeperNode,
  NetworkNode,
  OrdererNode,
  PeerNode,
  PostgresNode,
  Topology,
} from './topology';

const baseEnv = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR });

function ordererProcess(s: Settings, o: OrdererNode): ProcessSpec {
  const l = layout(s);
  return {
    id: o.id,
    program: binary(s, 'orderer'),
    args: [],
    env: { ...baseEnv(), FABRIC_CFG_PATH: l.configDir(o), FABRIC_LOGGING_SPEC: 'info' },
    cwd: l.configDir(o),
  };
}

function peerProcess(s: Settings, p: PeerNode): ProcessSpec {
  const l = layout(s);
  return {
    id: p.id,
    program: binary(s, 'peer'),
    args: ['node', 'start'],
    env: {
      ...baseEnv(),
      FABRIC_CFG_PATH: l.configDir(p),
      FABRIC_LOGGING_SPEC: 'info',
      // Read by our external builder's release step (network/builder): where this org's chaincode server listens.
      LUOHU_CHAINCODE_ADDRESS: address(p.chaincodeServer),
      LUOHU_CHAINCODE_TLS_ROOT: l.caCert(p.org),
      // The peer's own TLS identity, presented to its chaincode server (mutual TLS).
      LUOHU_CHAINCODE_CLIENT_CERT: nodeIdentity(l, p).tlsCert,
      LUOHU_CHAINCODE_CLIENT_KEY: nodeIdentity(l, p).tlsKey,
    },
    cwd: l.configDir(p),
  };
}

/** The org's chaincode server: the contract run as a service (ccaas) over TLS, under the deployed package ID. */
export function chaincodeProcess(s: Settings, t: Topology, c: ChaincodeNode, packageId: string): ProcessSpec {
  const id = nodeIdentity(layout(s), c);
  const moduleDir = path.join(s.repoRoot, t.chaincode.path);
  // Start node on fabric-shim's CLI directly (not through npx) so the recorded PID is the server itself.
  const cli = require.resolve('fabric-shim/cli.js', { paths: [moduleDir] });
  return {
    id: c.id,
    program: process.execPath,
    args: [
      cli,
      'server',
      '--chaincode-address',
      address(c.listen),
      '--chaincode-id',
      packageId,
      '--module-path',
      moduleDir,
      '--chaincode-tls-cert-file',
      id.tlsCert,
      '--chaincode-tls-key-file',
      id.tlsKey,
      // Mutual TLS: only a client with a certificate from this org's CA (its peer) may talk to the contract.
      '--chaincode-tls-client-cacert-file',
      layout(s).caCert(c.org),
    ],
    env: { ...baseEnv(), CORE_CHAINCODE_LOGGING_LEVEL: 'info', LUOHU_PACKAGE_ID: packageId },
    cwd: moduleDir,
    netns: c.placement?.netns,
  };
}

/** The gateway as a process of this instance: its API on the topology's port, reading this instance's connection description. */
export function gatewayProcess(s: Settings, t: Topology, g: GatewayNode): ProcessSpec {
  const dir = path.join(s.repoRoot, 'gateway');
  return {
    id: g.id,
    program: process.execPath,
    // tsx as a loader inside this node process (its CLI would fork a child): the recorded PID is the gateway itself.
    args: ['--require', require.resolve('tsx/cjs', { paths: [dir] }), path.join(dir, 'src', 'main.ts')],
    env: {
      ...baseEnv(),
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      HOST: g.listen.host,
      PORT: String(g.listen.port),
      LUOHU_NETWORK_DIR: s.runDir,
      // The replica's own FerretDB: the connection description names the first.
      DATABASE_ADDRESS: address(g.database.listen),
      MQTT_URL: brokerUrl(t.broker),
      ...Object.fromEntries(
        ['LUOHU_ADMIN_PASSWORD', 'KEY_ENCRYPTION_KEY', 'LOG_LEVEL'].flatMap((k) =>
          process.env[k] ? [[k, process.env[k]]] : [],
        ),
      ),
    },
    cwd: dir,
  };
}

/** The PostgreSQL keeper (postgres/keeper.ts), a node process like the gateway, reading the same settings as `network`. */
export function keeperProcess(s: Settings, t: Topology): ProcessSpec {
  return {
    id: t.keeper.id,
    program: process.execPath,
    args: ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'postgres', 'keeper.ts')],
    env: {
      ...baseEnv(),
      LUOHU_NETWORK_DIR: s.runDir,
      LUOHU_BASE_PORT: String(s.basePort),
      LUOHU_TOPOLOGY: s.topologyFile,
      LUOHU_BIN_DIR: s.binDir,
    },
    cwd: s.repoRoot,
  };
}

/** How to start CAs, orderers and peers (chaincode servers need the deployed package ID, the database its backend). */
export function processFor(
  s: Settings,
  n: Exclude<NetworkNode, ChaincodeNode | PostgresNode | KeeperNode | DatabaseNode | BrokerNode | GatewayNode>,
): ProcessSpec {
  const spec = n.kind === 'ca' ? caProcess(s, n) : n.kind === 'orderer' ? ordererProcess(s, n) : peerProcess(s, n);
  return { ...spec, netns: n.placement?.netns };
}

/** Environment for running the `peer` CLI as an org's admin against one of its peers. */
export function peerAdminEnv(s: Settings, p: PeerNode): NodeJS.ProcessEnv {
  const l = layout(s);
  return {
    ...baseEnv(),
    FABRIC_CFG_PATH: l.configDir(p),
    FABRIC_LOGGING_SPEC: 'warning',
    CORE_PEER_ADDRESS: address(p.listen),
    CORE_PEER_LOCALMSPID: p.mspId,
    CORE_PEER_MSPCONFIGPATH: path.join(l.identityDir(p.org, 'admin'), 'msp'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: l.caCert(p.org),
  };
}
