import { status, up } from '../src/network';
import { setHostLink } from '../src/hosts';
import { readRoles } from '../src/postgres/roles';
import type { Settings } from '../src/settings';
import type { Topology } from '../src/topology';

/**
 * What the soak kills (SIGKILL) and brings back with `network up`, and `link`: the writers' bureau's network link cut
 * (its processes keep running) and restored, which needs the bureaus on hosts of their own (LUOHU_HOSTS=netns, root).
 */
export type FaultKind =
  'raft-leader' | 'peer' | 'chaincode' | 'gateway' | 'database' | 'ca' | 'postgres' | 'broker' | 'link';
export const FAULT_KINDS: FaultKind[] = [
  'raft-leader',
  'peer',
  'chaincode',
  'gateway',
  'database',
  'ca',
  'postgres',
  'broker',
  'link',
];
/** The faults that need the network on hosts of their own. */
export const needsHosts = (faults: FaultKind[]) => faults.includes('link');

/** One fault as it happened. */
export interface FaultEvent {
  kind: FaultKind;
  node: string;
  killedAt: number;
  /** When `network up` had every node running again. */
  restoredAt: number;
  /** The fault could not be injected or undone (the soak fails). */
  error?: string;
}

/**
 * The node a fault kills: the Raft leader now, the writers' bureau's peer, chaincode server or CA, the first gateway
 * replica or its FerretDB, PostgreSQL's primary (the keeper promotes the standby), the MQTT broker.
 */
async function target(s: Settings, t: Topology, kind: FaultKind, writersOrg: string) {
  const report = await status(s, t);
  const ofWriters = (k: string) => t.nodes.find((n) => n.kind === k && n.org === writersOrg)?.id;
  const id =
    kind === 'raft-leader'
      ? report.channel.raftLeader
      : kind === 'peer' || kind === 'chaincode' || kind === 'ca'
        ? ofWriters(kind)
        : kind === 'postgres'
          ? readRoles(s, t).primary
          : kind;
  const node = report.nodes.find((n) => n.id === id);
  if (!node?.pid) throw new Error(`soak: no running node for the fault "${kind}" (${id ?? 'none'})`);
  return { id: node.id, pid: node.pid };
}

/** Kills the fault's node with SIGKILL (or cuts the link), waits `downMs`, and runs `network up` to bring it back. */
export async function inject(
  s: Settings,
  t: Topology,
  kind: FaultKind,
  downMs: number,
  writersOrg: string,
): Promise<FaultEvent> {
  if (kind === 'link') return cutLink(t, downMs, writersOrg);
  const node = await target(s, t, kind, writersOrg);
  const killedAt = Date.now();
  process.kill(node.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, downMs));
  await up(s, t).catch(async (err: Error) => {
    // `up` waits a bounded time for a node it started (a loaded machine can take longer to start the gateway): the node
    // is given more time to become healthy before the fault counts as not undone.
    if (!(await healthyWithin(s, t, node.id, 180_000))) throw err;
  });
  return { kind, node: node.id, killedAt, restoredAt: Date.now() };
}

/** Cuts the writers' bureau off the network for `downMs` (its CA, peer and chaincode server keep running). */
async function cutLink(t: Topology, downMs: number, writersOrg: string): Promise<FaultEvent> {
  const placement = t.orgs.find((o) => o.name === writersOrg)?.peers[0]?.placement;
  if (!placement) throw new Error('soak: the link fault needs the bureaus on hosts of their own (LUOHU_HOSTS=netns)');
  const killedAt = Date.now();
  await setHostLink(placement, 'down');
  try {
    await new Promise((r) => setTimeout(r, downMs));
  } finally {
    await setHostLink(placement, 'up');
  }
  return { kind: 'link', node: placement.host, killedAt, restoredAt: Date.now() };
}

async function healthyWithin(s: Settings, t: Topology, id: string, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if ((await status(s, t)).nodes.find((n) => n.id === id)?.healthy) return true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}
