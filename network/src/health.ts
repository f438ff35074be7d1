import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { layout, orgAdmin } from './layout';
import { Settings } from './settings';
import { address, Endpoint, OrdererNode, PeerNode, tlsName, Topology } from './topology';

function get(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { ...options, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout reading ${url}`)));
    req.on('error', reject);
  });
}

/**
 * A peer's or orderer's operations endpoint: HTTPS for clients with a certificate of the node's own org only
 * (operations.tls.clientAuthRequired; Fabric then asks for it even on /healthz). The network's checks present the org
 * admin's TLS identity.
 */
export interface OperationsTarget {
  endpoint: Endpoint;
  tls: https.RequestOptions;
}

export function operationsTarget(s: Settings, t: Topology, node: PeerNode | OrdererNode): OperationsTarget {
  const org = [...t.orgs, t.ordererOrg].find((o) => o.name === node.org);
  if (!org) throw new Error(`no org ${node.org} in the topology`);
  const admin = orgAdmin(layout(s), org);
  return {
    endpoint: node.operations,
    tls: {
      ca: fs.readFileSync(admin.tlsCa),
      cert: fs.readFileSync(admin.tlsCert),
      key: fs.readFileSync(admin.tlsKey),
      servername: tlsName(node),
    },
  };
}

/** A node's operations endpoint answers /healthz with 200 once all its checkers pass (Fabric asks every client for its certificate). */
export async function operationsHealthy(ops: Endpoint | OperationsTarget): Promise<boolean> {
  if ('endpoint' in ops) return (await get(`https://${address(ops.endpoint)}/healthz`, ops.tls)).status === 200;
  return (await get(`http://${address(ops)}/healthz`)).status === 200;
}

/** Reads one gauge with a channel label from a node's Prometheus /metrics. */
export async function channelMetric(
  ops: OperationsTarget,
  metric: string,
  channel: string,
): Promise<number | undefined> {
  const { status, body } = await get(`https://${address(ops.endpoint)}/metrics`, ops.tls);
  if (status !== 200) return undefined;
  const line = body.split('\n').find((l) => l.startsWith(`${metric}{`) && l.includes(`channel="${channel}"`));
  return line === undefined ? undefined : Number(line.trim().split(/\s+/).pop());
}

export interface OrdererChannelInfo {
  name: string;
  status: string;
  consensusRelation: string;
  height: number;
}

/** The orderer's view of a channel through its channel participation API (mutual TLS with the orderer org's admin). */
export async function ordererChannel(
  s: Settings,
  t: Topology,
  orderer: OrdererNode,
): Promise<OrdererChannelInfo | undefined> {
  const admin = orgAdmin(layout(s), t.ordererOrg);
  const res = await get(`https://${address(orderer.admin)}/participation/v1/channels/${t.channel}`, {
    ca: fs.readFileSync(admin.tlsCa),
    cert: fs.readFileSync(admin.tlsCert),
    key: fs.readFileSync(admin.tlsKey),
    servername: tlsName(orderer),
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200)
    throw new Error(`${orderer.id} channel participation API answered ${res.status}: ${res.body}`);
  return JSON.parse(res.body);
}

/** The orderer that currently leads the channel's Raft cluster, if any. */
export async function raftLeader(s: Settings, t: Topology): Promise<OrdererNode | undefined> {
  for (const o of t.ordererOrg.orderers) {
    const isLeader = await channelMetric(operationsTarget(s, t, o), 'consensus_etcdraft_is_leader', t.channel).catch(
      () => undefined,
    );
    if (isLeader === 1) return o;
  }
  return undefined;
}

export const peerHeight = (ops: OperationsTarget, channel: string) =>
  channelMetric(ops, 'ledger_blockchain_height', channel).catch(() => undefined);

/** How many other peers of the channel a peer knows through gossip (discovery, and so the gateway, sees only these). */
export const gossipPeersKnown = (ops: OperationsTarget, channel: string) =>
  channelMetric(ops, 'gossip_membership_total_peers_known', channel).catch(() => undefined);
