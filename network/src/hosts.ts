import fs from 'node:fs';
import { run } from './exec';
import { Settings, UsageError } from './settings';

/**
 * Host placement LUOHU_HOSTS=netns: the same topology, but each bureau's CA, peer and chaincode server, the ordering
 * org's CA, and each orderer run on a host of their own — a Linux network namespace with its own address on a bridge
 * of this machine — so that addresses, ports and TLS names are those of separate hosts. Everything is derived from
 * the topology file and the base port:
 *
 *   names     lh<basePort>-<host> (namespaces), lh<basePort>br (bridge), lh<basePort>h<i> (this machine's end of
 *             host i's link); two networks with different base ports never share a name
 *   addresses 10.<basePort / 256>.<basePort % 256>.0/24: the bridge is .1 (this machine: CLIs, clients, the
 *             database), host i is .(10 + i)
 *
 * The database and the gateway stay on this machine (127.0.0.1). Needs root and iproute2 (`ip`).
 */

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find((p) => fs.existsSync(p)) ?? 'ip';

export const hostPrefix = (basePort: number) => `lh${basePort}`;
const bridgeName = (basePort: number) => `${hostPrefix(basePort)}br`;
const subnet = (basePort: number) => `10.${Math.floor(basePort / 256)}.${basePort % 256}`;

/**
 * Where a node runs when every host is a network namespace of its own; a node without one runs on this machine's
 * 127.0.0.1. The host's name (also the namespace's) is the TLS name its certificates carry.
 */
export interface Placement {
  /** The host's key in the topology: a bureau's name, an orderer's name, or `<org>-ca`. */
  host: string;
  netns: string;
  tlsName: string;
  /** The host's end of the link on this machine's bridge (`ip link set <link> down` cuts the host off). */
  link: string;
}

export interface Host {
  address: string;
  placement: Placement;
}

/**
 * The hosts of a topology in a fixed order: per org, a bureau's one host (CA, peers, chaincode server) or, for an
 * org that runs orderers, its CA's host and one per orderer.
 */
export function hostPlan(orgs: { name: string; orderers?: { name: string }[] }[], basePort: number): Map<string, Host> {
  const keys: string[] = [];
  for (const org of orgs) {
    if (!org.orderers?.length) keys.push(org.name);
    else keys.push(`${org.name}-ca`, ...org.orderers.map((o) => o.name));
  }
  if (new Set(keys).size !== keys.length)
    throw new UsageError(`host placement: two hosts would be named alike (${keys.join(', ')})`);
  if (keys.length > 200) throw new UsageError('host placement: more than 200 hosts');
  const prefix = hostPrefix(basePort);
  return new Map(
    keys.map((key, i) => {
      const netns = `${prefix}-${key}`;
      return [
        key,
        {
          address: `${subnet(basePort)}.${10 + i}`,
          placement: { host: key, netns, tlsName: netns, link: `${prefix}h${i}` },
        },
      ];
    }),
  );
}

/** The hosts of a placed topology, each once, with its address. */
export function hostsIn(t: { nodes: { listen: { host: string }; placement?: Placement }[] }): Host[] {
  const seen = new Map<string, Host>();
  for (const n of t.nodes) {
    const p = n.placement;
    if (p && !seen.has(p.host)) seen.set(p.host, { placement: p, address: n.listen.host });
  }
  return [...seen.values()];
}

/** A process spec that runs inside the node's host (`ip netns exec` execs the program: the PID stays the program's). */
export function onHost<T extends { program: string; args: string[]; netns?: string }>(spec: T): T {
  if (!spec.netns) return spec;
  return { ...spec, program: IP, args: ['netns', 'exec', spec.netns, spec.program, ...spec.args] };
}

const ip = (...args: string[]) => run(IP, args);

async function links(): Promise<{ ifname: string; operstate: string; flags: string[] }[]> {
  return JSON.parse((await ip('-j', 'link', 'show')) || '[]');
}

async function namespaces(): Promise<string[]> {
  const out = (await ip('-j', 'netns', 'list')).trim();
  return out ? (JSON.parse(out) as { name: string }[]).map((n) => n.name) : [];
}

function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new UsageError('LUOHU_HOSTS=netns needs root (it creates network namespaces, a bridge and veth links)');
}

/**
 * Creates what is missing of the bridge, the namespaces and their links, and brings every link up; idempotent, so
 * `up` can resume a network whose hosts exist.
 */
export async function ensureHosts(s: Settings, hosts: Host[]): Promise<void> {
  requireRoot();
  const bridge = bridgeName(s.basePort);
  const net = subnet(s.basePort);
  let existing = await links();
  if (!existing.some((l) => l.ifname === bridge)) {
    const routes = await ip('-4', 'route', 'show', `${net}.0/24`);
    if (routes.trim())
      throw new UsageError(
        `host placement: ${net}.0/24 (derived from LUOHU_BASE_PORT ${s.basePort}) is already routed on this machine (${routes.trim()}); choose another base port`,
      );
    await ip('link', 'add', bridge, 'type', 'bridge');
    await ip('addr', 'add', `${net}.1/24`, 'dev', bridge);
  }
  await ip('link', 'set', bridge, 'up');
  const present = await namespaces();
  for (const h of hosts) {
    const { netns, link } = h.placement;
    if (!present.includes(netns)) {
      // A link left from a namespace deleted by hand would keep the name: start this host afresh.
      if (existing.some((l) => l.ifname === link)) await ip('link', 'del', link);
      await ip('netns', 'add', netns);
      const inside = link.replace(/h(\d+)$/, 'n$1');
      await ip('link', 'add', link, 'type', 'veth', 'peer', 'name', inside);
      await ip('link', 'set', inside, 'netns', netns);
      await ip('-n', netns, 'link', 'set', inside, 'name', 'eth0');
      await ip('-n', netns, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0');
      await ip('-n', netns, 'link', 'set', 'lo', 'up');
      await ip('-n', netns, 'link', 'set', 'eth0', 'up');
      await ip('-n', netns, 'route', 'add', 'default', 'via', `${net}.1`);
      existing = await links();
    }
    await ip('link', 'set', link, 'master', bridge);
    await ip('link', 'set', link, 'up');
  }
}

/**
 * Deletes every namespace and link named with this base port's prefix — the current topology's and any left by an
 * earlier run that was killed — and the bridge. Processes must be stopped first (a namespace lives on while a
 * process is in it).
 */
export async function removeHosts(s: Settings): Promise<void> {
  requireRoot();
  const prefix = hostPrefix(s.basePort);
  for (const ns of await namespaces()) if (ns.startsWith(`${prefix}-`)) await ip('netns', 'del', ns);
  for (const l of await links()) {
    const name = l.ifname.split('@')[0];
    if (name.startsWith(prefix) && /^(br|h\d+|n\d+)$/.test(name.slice(prefix.length)))
      await ip('link', 'del', name).catch(() => undefined); // deleting one end of a veth pair removes the other
  }
}

/** What is left on this machine with this base port's prefix (for checks). */
export async function hostsLeft(basePort: number): Promise<string[]> {
  const prefix = hostPrefix(basePort);
  return [
    ...(await namespaces()).filter((n) => n.startsWith(`${prefix}-`)),
    ...(await links()).map((l) => l.ifname.split('@')[0]).filter((n) => n.startsWith(prefix)),
  ];
}

/** Cuts a host off the network (its link on the bridge goes down), or reconnects it; its processes keep running. */
export async function setHostLink(placement: Placement, state: 'up' | 'down'): Promise<void> {
  await ip('link', 'set', placement.link, state);
}
