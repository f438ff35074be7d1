import crypto from 'node:crypto';
import { io } from 'socket.io-client';
import { ADMIN_PASSWORD_SECRET, InstallationSecrets } from '../../gateway/src/platform/installation-secrets';
import { up } from '../src/network';
import { loadSettings } from '../src/settings';
import { address, loadTopology } from '../src/topology';
import { check, Verdict } from './check';
import { enrollCast } from './cast';
import { FaultEvent, FaultKind, inject, needsHosts } from './faults';
import { mixedWorkload } from './workload';
import type { Mix } from './workload/mix';
import type { WriteRecord } from './writers';

export interface SoakOptions {
  /** The soak's own network: base port and data dir (never a developer's or the test suite's). */
  basePort: number;
  networkDir: string;
  /** Writes started per second (open loop: a slow answer does not slow the rate). */
  rate: number;
  /** Inspectors anchoring batches (each other kind has its own writer: the contractor, the clerk, two devices, citizens). */
  writers: number;
  /** How often each workload is chosen per write slot (workload/mix.ts DEFAULT_MIX when left out). */
  mix?: Mix;
  faults: FaultKind[];
  /**
   * Each bureau and orderer on a host of its own (network namespaces, hosts.ts), as the link fault needs; `local` runs
   * every node on this machine's loopback.
   */
  hosts: 'local' | 'netns';
  /** Writing before the first fault; between faults (after the node is back); after the last. */
  warmupMs: number;
  betweenMs: number;
  /** How long a killed node stays down before `network up`. */
  downMs: number;
  /** After the workload stops, how long a write keeps retrying for a definite answer. */
  giveUpMs: number;
  /** Progress lines. */
  log: (line: string) => void;
}

export interface SoakResult {
  options: Omit<SoakOptions, 'log'>;
  records: WriteRecord[];
  faults: FaultEvent[];
  /** Commit (201) to visible in the read model, per sampled write, in ms. */
  lags: number[];
  verdict: Verdict;
  startedAt: number;
  /** When the workload stopped starting writes. */
  stoppedAt: number;
  endedAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Writes in flight beyond which the workload skips a beat rather than pile up (the gateway sheds load itself too). */
const MAX_IN_FLIGHT = 400;

/**
 * The soak: a network of its own, a mixed workload through the gateway at a steady rate (batch anchors, complaints,
 * device alerts over HTTP and MQTT, applications and their pre-review), a fault schedule that kills one node at a time
 * with SIGKILL and brings it back, then every answer checked against every peer.
 */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LUOHU_BASE_PORT: String(o.basePort),
    LUOHU_NETWORK_DIR: o.networkDir,
    LUOHU_HOSTS: o.hosts,
  };
  if (needsHosts(o.faults) && o.hosts !== 'netns')
    throw new Error(`soak: the faults ${o.faults.join(', ')} need the bureaus on hosts of their own (hosts: netns)`);
  // The soak's network runs its gateway as a process of its own (`network up` reads this from the environment): the
  // schedule kills it too.
  const gatewaySetting = process.env.LUOHU_GATEWAY;
  process.env.LUOHU_GATEWAY = 'on';
  try {
    return await soak(o, env);
  } finally {
    if (gatewaySetting === undefined) delete process.env.LUOHU_GATEWAY;
    else process.env.LUOHU_GATEWAY = gatewaySetting;
  }
}

async function soak(o: SoakOptions, env: NodeJS.ProcessEnv): Promise<SoakResult> {
  const settings = loadSettings(env);
  const topology = loadTopology(settings);
  o.log(`• Soak network on base port ${o.basePort} (${o.networkDir})`);
  await up(settings, topology);
  const baseUrls = topology.gateways.map((g) => `http://${address(g.listen)}`);
  const adminPassword = new InstallationSecrets(settings.runDir).get(ADMIN_PASSWORD_SECRET, undefined, 18);
  const runId = crypto.randomUUID().slice(0, 8);
  const cast = await enrollCast(baseUrls, adminPassword, o.writers, runId, settings.runDir);
  const network = { baseUrls, runDir: settings.runDir, adminPassword };
  const workload = await mixedWorkload(cast, runId, network, o.mix);
  o.log(`• Cast enrolled over ${baseUrls.length} gateway replicas; writing ${o.rate}/s (${workload.describe()})`);

  const startedAt = Date.now();
  const writes: Promise<WriteRecord[]>[] = [];
  // An inspector's feed and the clerk's: between them they are shown every kind the workload writes.
  const visible = watchReadModel(baseUrls, [cast.inspectors[0].sessionToken, cast.clerk.sessionToken]);
  let stopAt = Infinity;
  let inFlight = 0;
  const giveUpAt = () => stopAt + o.giveUpMs;
  const writing = (async () => {
    for (let i = 0; Date.now() < stopAt; i++) {
      const due = startedAt + (i * 1_000) / o.rate;
      await sleep(Math.max(0, due - Date.now()));
      if (inFlight >= MAX_IN_FLIGHT) continue;
      inFlight++;
      writes.push(workload.write(i, giveUpAt).finally(() => inFlight--));
    }
  })();

  const faults: FaultEvent[] = [];
  await sleep(o.warmupMs);
  for (const kind of o.faults) {
    o.log(kind === 'link' ? '• Fault: the writers’ bureau’s link cut' : `• Fault: SIGKILL ${kind}`);
    try {
      const event = await inject(settings, topology, kind, o.downMs, 'housing');
      faults.push(event);
      o.log(
        `  ${event.node} ${kind === 'link' ? 'cut off' : 'killed'}, back after ${((event.restoredAt - event.killedAt) / 1000).toFixed(1)} s`,
      );
    } catch (err) {
      // The schedule goes on (the writes are still checked); the failure is part of the result.
      faults.push({ kind, node: '?', killedAt: Date.now(), restoredAt: Date.now(), error: (err as Error).message });
      o.log(`  ${kind}: ${(err as Error).message}`);
      await up(settings, topology).catch(() => undefined);
    }
    await sleep(o.betweenMs);
  }
  stopAt = Date.now();
  const stoppedAt = stopAt;
  await writing;
  o.log(`• Workload stopped; waiting for every write's definite answer (at most ${o.giveUpMs / 1000} s)`);
  const records = (await Promise.all(writes)).flat();
  await workload.close();
  await sleep(5_000); // the last events reach the read model
  visible.close();
  // Lag: from the client's 201 to the read model's push of that transaction (0 when the push came first).
  const lags = records
    .filter((r) => r.final?.status === 201 && visible.at.has(r.final.transactionId!))
    .map((r) => Math.max(0, visible.at.get(r.final!.transactionId!)! - r.final!.at));
  o.log(`• Checking ${records.length} writes against every peer`);
  const verdict = await check(settings, topology, records);
  return {
    options: { ...o, log: undefined } as unknown as Omit<SoakOptions, 'log'>,
    records,
    faults,
    lags,
    verdict,
    startedAt,
    stoppedAt,
    endedAt: Date.now(),
  };
}

/**
 * When each transaction's event reached the read model, as the gateways' live feed pushes it once projected (one socket
 * per replica and session, each resumed with `since` after a restart; the first push counts): no polling, so measuring
 * costs the system nothing.
 */
function watchReadModel(baseUrls: string[], tokens: string[]) {
  const at = new Map<string, number>();
  const sockets = tokens.flatMap((token) =>
    baseUrls.map((baseUrl) => {
      const auth: { token: string; since?: number } = { token };
      const socket = io(baseUrl, {
        path: '/live',
        transports: ['websocket'],
        auth,
        reconnectionDelay: 200,
        reconnectionDelayMax: 1_000,
      });
      socket.on('ledger-event', (e: { position: number; transactionId: string }) => {
        if (!at.has(e.transactionId)) at.set(e.transactionId, Date.now());
        auth.since = e.position;
      });
      return socket;
    }),
  );
  return { at, close: () => sockets.forEach((s) => s.close()) };
}
