import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { onHost } from './hosts';
import { Settings, UsageError } from './settings';
import { address, Endpoint } from './topology';

/** One supervised native process: a PID file and a log file under the instance's run dir. */
export interface ProcessSpec {
  id: string;
  program: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Run as another user (PostgreSQL refuses root). */
  uid?: number;
  gid?: number;
  /** Run inside this network namespace: the node's own host (LUOHU_HOSTS=netns, hosts.ts). */
  netns?: string;
}

const pidFile = (s: Settings, id: string) => path.join(s.runDir, 'pids', `${id}.pid`);
export const logFile = (s: Settings, id: string) => path.join(s.runDir, 'logs', `${id}.log`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function recordedPid(s: Settings, id: string): { pid: number; program: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(pidFile(s, id), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The process's state letter in /proc (R, S, D, T, Z, X…); undefined once it has left the process table. */
function procState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

const dead = (state: string | undefined) => state === 'Z' || state === 'X';

/**
 * Killed but not yet gone: a zombie, or a process the kernel is still tearing down (its command line already empty).
 * It is not running, yet PostgreSQL's lock file check (kill 0) still sees it. Only for a process that was killed: one
 * that is starting reads an empty command line too while it execs.
 */
function exiting(pid: number): boolean {
  try {
    return dead(procState(pid)) || fs.readFileSync(`/proc/${pid}/cmdline`).length === 0;
  } catch {
    return false;
  }
}

/**
 * Whether a process started a moment ago has ended: gone, or a zombie. Not judged by its command line, which reads
 * empty while it execs — twice for a node on a host of its own (`ip netns exec`, then the node's program). Judged so,
 * a healthy orderer was once taken for one that "exited as it started" and started again: the second copy failed to
 * bind its port, its PID replaced the first's, and the first ran on untracked, outliving `network down`.
 */
const endedAfterStart = (pid: number) => !alive(pid) || dead(procState(pid));

/** The PID of a running process we started, or undefined (a stale PID file reused by another program counts as not running). */
export function runningPid(s: Settings, id: string): number | undefined {
  const recorded = recordedPid(s, id);
  if (!recorded || !alive(recorded.pid)) return undefined;
  try {
    const cmdline = fs.readFileSync(`/proc/${recorded.pid}/cmdline`, 'utf8');
    if (!cmdline.includes(recorded.program)) return undefined;
  } catch {
    return undefined;
  }
  return recorded.pid;
}

export function start(s: Settings, spec: ProcessSpec): number {
  fs.mkdirSync(path.dirname(pidFile(s, spec.id)), { recursive: true });
  fs.mkdirSync(path.dirname(logFile(s, spec.id)), { recursive: true });
  const log = fs.openSync(logFile(s, spec.id), 'a');
  fs.writeSync(log, `\n==== ${new Date().toISOString()} starting ${spec.program} ${spec.args.join(' ')}\n`);
  const launch = onHost(spec);
  const child = spawn(launch.program, launch.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', log, log],
    uid: spec.uid,
    gid: spec.gid,
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`${spec.id}: ${spec.program} could not be started`);
  child.unref();
  fs.writeFileSync(pidFile(s, spec.id), JSON.stringify({ pid: child.pid, program: spec.program }));
  return child.pid;
}

/** SIGTERM, then SIGKILL if the process has not exited within the grace period. */
export async function stop(s: Settings, id: string, graceMs = 5000): Promise<void> {
  const pid = runningPid(s, id);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (alive(pid) && Date.now() < deadline) await sleep(50);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(20);
  }
  fs.rmSync(pidFile(s, id), { force: true });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fails fast, naming the node and the port, when something else already listens where a node must. */
export async function assertPortsFree(owner: string, endpoints: Endpoint[]): Promise<void> {
  for (const e of endpoints) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(e.port, e.host, () => server.close(() => resolve(true)));
    });
    if (!free)
      throw new UsageError(
        `port ${address(e)} needed by ${owner} is already in use by another program; stop it or choose another LUOHU_BASE_PORT`,
      );
  }
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  hint = '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${hint ? `: ${hint}` : ''}`);
    await sleep(100);
  }
}

/** How long a start waits for the node's killed predecessor to leave the process table. */
const PREDECESSOR_EXIT_MS = 10_000;
/** A node that exits as it starts is started again this many times, a second apart. */
const EARLY_EXIT_RETRIES = 2;

/** Until the process last started as `id` has left the process table, if it is exiting (at most PREDECESSOR_EXIT_MS). */
async function predecessorGone(s: Settings, id: string): Promise<void> {
  const before = recordedPid(s, id);
  const until = Date.now() + PREDECESSOR_EXIT_MS;
  while (before && exiting(before.pid) && Date.now() < until) await sleep(50);
}

/**
 * Starts a process and waits until `healthy` holds, pointing at its log when it does not within `timeoutMs`. A node
 * killed a moment ago may still be exiting (or a zombie not yet reaped): the start waits for it first, since
 * PostgreSQL refuses to start while the PID in its lock file exists ("lock file already exists"). A process that exits
 * before it is healthy is started again, then reported at once rather than waited for until the timeout.
 */
export async function startAndWait(
  s: Settings,
  spec: ProcessSpec,
  what: string,
  healthy: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const hint = `see its log: npm run network -- logs ${spec.id}`;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    await predecessorGone(s, spec.id);
    const pid = start(s, spec);
    let exited = false;
    await waitFor(
      what,
      async () => (exited = endedAfterStart(pid)) || (await healthy()),
      Math.max(0, deadline - Date.now()),
      hint,
    );
    if (!exited) return;
    if (attempt === EARLY_EXIT_RETRIES)
      throw new Error(`${spec.id} exited as it started (${attempt + 1} times): ${hint}`);
    await sleep(1_000);
  }
}

/** Whether a TCP connection opens within 2 s (a host cut off the network drops the SYN: without a limit, ~2 minutes). */
export function portAccepts(e: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(e.port, e.host);
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
