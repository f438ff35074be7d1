import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runningPid, startAndWait, type ProcessSpec } from '../src/processes';
import { loadSettings, type Settings } from '../src/settings';

/**
 * The CI run of 2026-12-06 failed when `up` restarted a PostgreSQL standby killed a moment before: the killed postmaster
 * was a zombie (this machine's init reaps orphans up to ~2 s late), PostgreSQL's lock file check (kill 0) saw it
 * alive and the new postmaster exited at once ("lock file already exists"), and `up` waited 120 s for it.
 */
describe('starting a node whose predecessor was just killed', function () {
  this.timeout(90_000);
  let s: Settings;
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luohu-processes-'));
    s = loadSettings({ ...process.env, LUOHU_NETWORK_DIR: dir });
  });
  afterEach(() => {
    const pid = runningPid(s, 'locked');
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
    // And any copy whose PID was not kept (what the exec test looks for): every process working in the test's dir.
    for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        if (fs.readlinkSync(`/proc/${entry}/cwd`) === dir) process.kill(Number(entry), 'SIGKILL');
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A process that, like a postmaster, refuses to start while the PID in its lock file exists; counts its starts. */
  const lockedSpec = (lockPid: number): ProcessSpec => ({
    id: 'locked',
    program: '/bin/sh',
    args: [
      '-c',
      `echo start >> starts; kill -0 ${lockPid} 2>/dev/null && exit 1; touch ready; while :; do sleep 1; done`,
    ],
    env: {},
    cwd: dir,
  });
  const starts = () => fs.readFileSync(path.join(dir, 'starts'), 'utf8').trim().split('\n').length;
  const ready = async () => fs.existsSync(path.join(dir, 'ready'));

  it('when the killed predecessor is still a zombie, then the start waits for it to go and succeeds the first time', async () => {
    const z = await zombie();
    fs.mkdirSync(path.join(dir, 'pids'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pids', 'locked.pid'), JSON.stringify({ pid: z, program: '/bin/sh' }));
    expect(runningPid(s, 'locked'), 'a zombie is not running').to.equal(undefined);

    await startAndWait(s, lockedSpec(z), 'the locked process', ready, 20_000);

    expect(starts()).to.equal(1);
    expect(runningPid(s, 'locked')).to.be.a('number');
  });

  it('when a process exits as it starts, then it is tried twice more and reported at once, not waited for', async () => {
    const began = Date.now();
    const err = await startAndWait(s, lockedSpec(process.pid), 'the locked process', ready, 60_000).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/locked exited as it started \(3 times\): see its log/);
    expect(starts()).to.equal(3);
    // Three tries a second apart, not the 60 s the start may take.
    expect(Date.now() - began).to.be.below(30_000);
  });

  /**
   * A soak's `up` once took a healthy orderer for one that "exited as it started": its command line read empty, as it
   * does for a moment while a process execs (twice for a node on a host of its own: `ip netns exec`, then the node). The copy started again
   * could not bind the port, its PID replaced the first's, and the first ran on untracked, outliving `network down`.
   */
  it('when a node execs as it starts (its command line reads empty for a moment), then it is started once and its own PID is kept', async () => {
    const execing: ProcessSpec = {
      id: 'locked',
      program: '/bin/sh',
      // It execs itself 300 times before it is ready: a node execs once or twice as it starts; this widens the moment.
      args: ['-c', 'echo start >> starts; exec /bin/sh -c "$REEXEC" 0'],
      env: {
        REEXEC:
          'if [ "$0" -lt 300 ]; then exec /bin/sh -c "$REEXEC" $(($0 + 1)); fi; touch ready; while :; do sleep 1; done',
      },
      cwd: dir,
    };
    for (let i = 0; i < 30; i++) {
      for (const f of ['starts', 'ready']) fs.rmSync(path.join(dir, f), { force: true });
      await startAndWait(s, execing, 'the exec-ing process', ready, 20_000);
      expect(starts(), `start ${i + 1}`).to.equal(1);
      const pid = runningPid(s, 'locked');
      expect(pid, `start ${i + 1}: the recorded PID runs`).to.be.a('number');
      process.kill(pid!, 'SIGKILL');
    }
  });

  /** A killed process not yet reaped: its parent (sleep 1) never waits for it; init reaps it after the parent exits. */
  async function zombie(): Promise<number> {
    const parent = spawn('/bin/sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 1'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d) => resolve(Number(String(d)))));
    for (;;) {
      const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state === 'Z') return pid;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
});
