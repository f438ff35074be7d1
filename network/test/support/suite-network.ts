import path from 'node:path';
import { spawn } from 'node:child_process';
import { readConnectionDescription } from '../../src/client';
import type { ConnectionDescription } from '../../src/connection';
import { repoRoot } from '../../src/settings';

/**
 * The test suite's own network: its own base port and data dir, so it never touches a developer's network.
 * LUOHU_TEST_BASE_PORT / LUOHU_TEST_NETWORK_DIR move it if those ports are taken on a machine.
 */
export const suiteEnv = {
  LUOHU_BASE_PORT: process.env.LUOHU_TEST_BASE_PORT ?? '17000',
  LUOHU_NETWORK_DIR: process.env.LUOHU_TEST_NETWORK_DIR ?? path.join(repoRoot, 'network', '.run', 'test'),
  // Gateway tests start their own gateways in-process.
  LUOHU_GATEWAY: 'off',
};

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run network -- ARGS` (the CLI itself, without npm) with the given environment overrides. */
export function networkCli(args: string[], env: Record<string, string> = suiteEnv, echo = false): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), path.join(repoRoot, 'network', 'src', 'cli.ts'), ...args],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      if (echo) process.stderr.write(c);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI and fails with its output unless it succeeds; `echo` streams its progress (the first build takes minutes). */
export async function networkCliOk(args: string[], echo = false): Promise<string> {
  const result = await networkCli(args, suiteEnv, echo);
  if (result.code !== 0) throw new Error(`network ${args.join(' ')} failed (${result.code}):\n${result.stderr}`);
  return result.stdout;
}

export interface StatusNode {
  id: string;
  kind: string;
  org: string;
  endpoint: string;
  pid: number | null;
  healthy: boolean;
  height: number | null;
  role?: string;
}
export interface StatusReport {
  fabricVersion: string;
  channel: { name: string; raftLeader: string | null; orgs: { mspId: string }[] };
  nodes: StatusNode[];
}

export async function networkStatus(): Promise<StatusReport> {
  return JSON.parse(await networkCliOk(['status', '--json']));
}

export const connection = (): ConnectionDescription => readConnectionDescription(suiteEnv.LUOHU_NETWORK_DIR);

/** Polls until the condition holds; fails with the last observed value. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
