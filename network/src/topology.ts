import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { hostPlan, Placement } from './hosts';
import { Settings, UsageError } from './settings';

const offset = z.number().int().min(0).max(499);
const host = z.string().min(1);
const name = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
const duration = z.string().regex(/^\d+(ms|s)$/, 'a duration such as 200ms or 2s');
const size = z.string().regex(/^\d+ (KB|MB)$/, 'a size such as 2 MB');

const topologySchema = z.strictObject({
  channel: z.string().regex(/^[a-z][a-z0-9.-]*$/),
  chaincode: z.strictObject({ name, path: z.string().min(1) }),
  ordering: z.strictObject({
    batchTimeout: duration,
    maxMessageCount: z.number().int().positive(),
    absoluteMaxBytes: size,
    preferredMaxBytes: size,
    raft: z.strictObject({
      tickInterval: duration,
      electionTick: z.number().int().positive(),
      heartbeatTick: z.number().int().positive(),
      maxInflightBlocks: z.number().int().positive(),
      snapshotIntervalSize: size,
    }),
  }),
  orgs: z
    .array(
      z.strictObject({
        name,
        mspId: z.string().regex(/^[A-Za-z][A-Za-z0-9]*MSP$/, 'an MSP ID ending in MSP'),
        displayName: z.string().min(1),
        ca: z.strictObject({ host, port: offset, operationsPort: offset }),
        orderers: z
          .array(z.strictObject({ name, host, port: offset, adminPort: offset, operationsPort: offset }))
          .optional(),
        peers: z
          .array(z.strictObject({ name, host, port: offset, chaincodePort: offset, operationsPort: offset }))
          .optional(),
        chaincodeServer: z.strictObject({ host, port: offset }).optional(),
      }),
    )
    .min(2),
  database: z.strictObject({
    host,
    // The first is the primary when the network is made, the second its synchronous standby (postgres/).
    postgres: z.array(z.strictObject({ port: offset })).length(2),
    keeper: z.strictObject({ port: offset }),
    ferretdb: z.array(z.strictObject({ port: offset, debugPort: offset })).min(1),
  }),
  broker: z.strictObject({ host, port: offset }),
  gateway: z.strictObject({ replicas: z.array(z.strictObject({ host, port: offset })).min(1) }),
});

type RawTopology = z.infer<typeof topologySchema>;

export interface Endpoint {
  host: string;
  port: number;
}
export const address = (e: Endpoint) => `${e.host}:${e.port}`;
export type { Placement } from './hosts';

/** The name a client checks a node's TLS certificate against. */
export const tlsName = (n: { placement?: Placement }) => n.placement?.tlsName ?? 'localhost';
/** The names and addresses a node's TLS certificate is issued for. */
export const tlsHosts = (n: { listen: Endpoint; placement?: Placement }) =>
  n.placement ? [n.listen.host, n.placement.tlsName] : [...new Set([n.listen.host, 'localhost', '127.0.0.1'])];

export interface CaNode {
  placement?: Placement;
  kind: 'ca';
  id: string;
  org: string;
  mspId: string;
  caName: string;
  listen: Endpoint;
  operations: Endpoint;
}
export interface OrdererNode {
  placement?: Placement;
  kind: 'orderer';
  id: string;
  org: string;
  mspId: string;
  name: string;
  listen: Endpoint;
  admin: Endpoint;
  operations: Endpoint;
}
export interface PeerNode {
  placement?: Placement;
  kind: 'peer';
  id: string;
  org: string;
  mspId: string;
  name: string;
  listen: Endpoint;
  chaincode: Endpoint;
  operations: Endpoint;
  chaincodeServer: Endpoint;
}
export interface ChaincodeNode {
  placement?: Placement;
  kind: 'chaincode';
  id: string;
  org: string;
  mspId: string;
  listen: Endpoint;
}
export interface DatabaseNode {
  kind: 'database';
  id: string;
  org: string;
  mspId: string;
  listen: Endpoint;
  debug: Endpoint;
  /** Every PostgreSQL cluster, in the topology's order: FerretDB writes to whichever is the primary. */
  postgres: Endpoint[];
}
export interface GatewayNode {
  kind: 'gateway';
  id: string;
  org: string;
  mspId: string;
  listen: Endpoint;
  /** The replica's own FerretDB (each replica keeps working while another's is down). */
  database: DatabaseNode;
}
/**
 * A PostgreSQL cluster under every FerretDB: one primary and its synchronous standby, which role each has is the
 * keeper's to say (postgres/roles.ts). The first's process ID is historic: "database-postgres".
 */
export interface PostgresNode {
  kind: 'postgres';
  id: string;
  org: string;
  mspId: string;
  listen: Endpoint;
}
/** Watches the PostgreSQL clusters and promotes the standby when the primary dies (postgres/keeper.ts). */
export interface KeeperNode {
  kind: 'keeper';
  id: 'postgres-keeper';
  org: string;
  mspId: string;
  listen: Endpoint;
}
/** The MQTT broker the bureaus' devices publish their alerts to and the gateway replicas subscribe at. */
export interface BrokerNode {
  kind: 'broker';
  id: 'broker';
  org: string;
  mspId: string;
  listen: Endpoint;
}
export type NetworkNode =
  CaNode | OrdererNode | PeerNode | ChaincodeNode | PostgresNode | KeeperNode | DatabaseNode | BrokerNode | GatewayNode;

export interface Org {
  name: string;
  mspId: string;
  displayName: string;
  ca: CaNode;
  orderers: OrdererNode[];
  peers: PeerNode[];
  chaincode?: ChaincodeNode;
}

/** The topology with every port made absolute for this instance. */
export interface Topology {
  channel: string;
  chaincode: RawTopology['chaincode'];
  ordering: RawTopology['ordering'];
  orgs: Org[];
  ordererOrg: Org;
  peerOrgs: Org[];
  /** The first FerretDB: the one tools and in-process gateways use. */
  database: DatabaseNode;
  databases: DatabaseNode[];
  /** The PostgreSQL clusters (the first is the primary of a new network) and their keeper. */
  postgres: PostgresNode[];
  keeper: KeeperNode;
  broker: BrokerNode;
  /** The first replica: the address printed for users. */
  gateway: GatewayNode;
  gateways: GatewayNode[];
  nodes: NetworkNode[];
}

export function loadTopology(settings: Settings): Topology {
  let raw: unknown;
  try {
    raw = parse(fs.readFileSync(settings.topologyFile, 'utf8'));
  } catch (err) {
    throw new UsageError(`topology file ${settings.topologyFile} cannot be read: ${(err as Error).message}`);
  }
  const parsed = topologySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new UsageError(`topology file ${settings.topologyFile} is invalid: ${problems}`);
  }
  const topology = resolve(parsed.data, settings.basePort, settings.topologyFile);
  return settings.hosts === 'netns' ? placeOnHosts(topology, settings.basePort) : topology;
}

function resolve(raw: RawTopology, base: number, file: string): Topology {
  const at = (h: string, offsetPort: number): Endpoint => ({ host: h, port: base + offsetPort });
  const orgs: Org[] = raw.orgs.map((o) => {
    const ca: CaNode = {
      kind: 'ca',
      id: `ca.${o.name}`,
      org: o.name,
      mspId: o.mspId,
      caName: `ca-${o.name}`,
      listen: at(o.ca.host, o.ca.port),
      operations: at(o.ca.host, o.ca.operationsPort),
    };
    const chaincode: ChaincodeNode | undefined = o.chaincodeServer && {
      kind: 'chaincode',
      id: `chaincode.${o.name}`,
      org: o.name,
      mspId: o.mspId,
      listen: at(o.chaincodeServer.host, o.chaincodeServer.port),
    };
    const orderers: OrdererNode[] = (o.orderers ?? []).map((n) => ({
      kind: 'orderer',
      id: `${n.name}.${o.name}`,
      org: o.name,
      mspId: o.mspId,
      name: n.name,
      listen: at(n.host, n.port),
      admin: at(n.host, n.adminPort),
      operations: at(n.host, n.operationsPort),
    }));
    const peers: PeerNode[] = (o.peers ?? []).map((n) => {
      if (!chaincode)
        throw new UsageError(`topology file ${file} is invalid: org ${o.name} has peers but no chaincodeServer`);
      return {
        kind: 'peer',
        id: `${n.name}.${o.name}`,
        org: o.name,
        mspId: o.mspId,
        name: n.name,
        listen: at(n.host, n.port),
        chaincode: at(n.host, n.chaincodePort),
        operations: at(n.host, n.operationsPort),
        chaincodeServer: chaincode.listen,
      };
    });
    return { name: o.name, mspId: o.mspId, displayName: o.displayName, ca, orderers, peers, chaincode };
  });
  const ordererOrgs = orgs.filter((o) => o.orderers.length > 0);
  if (ordererOrgs.length !== 1)
    throw new UsageError(
      `topology file ${file} is invalid: exactly one org must run orderers, found ${ordererOrgs.length}`,
    );
  const peerOrgs = orgs.filter((o) => o.peers.length > 0);
  const db = raw.database;
  if (raw.gateway.replicas.length !== db.ferretdb.length)
    throw new UsageError(
      `topology file ${file} is invalid: each gateway replica needs its own FerretDB (${raw.gateway.replicas.length} replicas, ${db.ferretdb.length} FerretDB)`,
    );
  // The first of each keeps its historic ID ("database", "gateway"); the others are numbered from 2.
  const numbered = (base: string, i: number) => (i === 0 ? base : `${base}-${i + 1}`);
  const databases: DatabaseNode[] = db.ferretdb.map((f, i) => ({
    kind: 'database',
    id: numbered('database', i),
    org: '-',
    mspId: '-',
    listen: at(db.host, f.port),
    debug: at(db.host, f.debugPort),
    postgres: db.postgres.map((p) => at(db.host, p.port)),
  }));
  const gateways: GatewayNode[] = raw.gateway.replicas.map((g, i) => ({
    kind: 'gateway',
    id: numbered('gateway', i),
    org: '-',
    mspId: '-',
    listen: at(g.host, g.port),
    database: databases[i],
  }));
  const postgres: PostgresNode[] = db.postgres.map((p, i) => ({
    kind: 'postgres',
    id: numbered('database-postgres', i),
    org: '-',
    mspId: '-',
    listen: at(db.host, p.port),
  }));
  const keeper: KeeperNode = {
    kind: 'keeper',
    id: 'postgres-keeper',
    org: '-',
    mspId: '-',
    listen: at(db.host, db.keeper.port),
  };
  const broker: BrokerNode = {
    kind: 'broker',
    id: 'broker',
    org: '-',
    mspId: '-',
    listen: at(raw.broker.host, raw.broker.port),
  };
  const nodes: NetworkNode[] = [
    ...orgs.flatMap((o) => [o.ca, ...o.orderers, ...o.peers, ...(o.chaincode ? [o.chaincode] : [])]),
    ...postgres,
    keeper,
    ...databases,
    broker,
    ...gateways,
  ];
  const seen = new Map<string, string>();
  for (const n of nodes) {
    for (const e of endpointsOf(n)) {
      const key = address(e);
      const other = seen.get(key);
      if (other) throw new UsageError(`topology file ${file} is invalid: ${n.id} and ${other} both use ${key}`);
      seen.set(key, n.id);
    }
  }
  return {
    channel: raw.channel,
    chaincode: raw.chaincode,
    ordering: raw.ordering,
    orgs,
    ordererOrg: ordererOrgs[0],
    peerOrgs,
    database: databases[0],
    databases,
    postgres,
    keeper,
    broker,
    gateway: gateways[0],
    gateways,
    nodes,
  };
}

/** Every listener a node opens, for port checks. */
export function endpointsOf(n: NetworkNode): Endpoint[] {
  switch (n.kind) {
    case 'ca':
      return [n.listen, n.operations];
    case 'orderer':
      return [n.listen, n.admin, n.operations];
    case 'peer':
      return [n.listen, n.chaincode, n.operations];
    case 'chaincode':
    case 'postgres':
    case 'keeper':
    case 'broker':
    case 'gateway':
      return [n.listen];
    case 'database':
      return [n.listen, n.debug];
  }
}

/**
 * The topology with each node moved to its own host (LUOHU_HOSTS=netns, hosts.ts): each bureau's CA, peers and
 * chaincode server on the bureau's host, the ordering org's CA on one and each orderer on one of its own; every
 * listener on its host's address, with the same port.
 */
export function placeOnHosts(t: Topology, basePort: number): Topology {
  const hosts = hostPlan(t.orgs, basePort);
  const on = (key: string) => {
    const { address: host, placement } = hosts.get(key)!;
    return { placement, at: (e: Endpoint): Endpoint => ({ host, port: e.port }) };
  };
  const orgs = t.orgs.map((org): Org => {
    if (org.orderers.length > 0) {
      const ca = on(`${org.name}-ca`);
      return {
        ...org,
        ca: { ...org.ca, listen: ca.at(org.ca.listen), operations: ca.at(org.ca.operations), placement: ca.placement },
        orderers: org.orderers.map((o) => {
          const h = on(o.name);
          const [listen, admin, operations] = [o.listen, o.admin, o.operations].map(h.at);
          return { ...o, listen, admin, operations, placement: h.placement };
        }),
      };
    }
    const h = on(org.name);
    const chaincode = org.chaincode && { ...org.chaincode, listen: h.at(org.chaincode.listen), placement: h.placement };
    return {
      ...org,
      ca: { ...org.ca, listen: h.at(org.ca.listen), operations: h.at(org.ca.operations), placement: h.placement },
      peers: org.peers.map((p) => {
        const [listen, chaincodePort, operations] = [p.listen, p.chaincode, p.operations].map(h.at);
        return {
          ...p,
          listen,
          chaincode: chaincodePort,
          operations,
          chaincodeServer: chaincode!.listen,
          placement: h.placement,
        };
      }),
      chaincode,
    };
  });
  // Every other node (the database, the gateway) stays where it is, in the same order.
  const placed = new Map<string, NetworkNode>(
    orgs.flatMap((o) => [o.ca, ...o.orderers, ...o.peers, ...(o.chaincode ? [o.chaincode] : [])]).map((n) => [n.id, n]),
  );
  return {
    ...t,
    orgs,
    ordererOrg: orgs.find((o) => o.name === t.ordererOrg.name)!,
    peerOrgs: orgs.filter((o) => o.peers.length > 0),
    nodes: t.nodes.map((n) => placed.get(n.id) ?? n),
  };
}
