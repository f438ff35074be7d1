import { spawn } from 'node:child_process';

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`${command} failed (exit ${exitCode}):\n${output.trim().split('\n').slice(-15).join('\n')}`);
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as another user (PostgreSQL's tools refuse root). */
  uid?: number;
  gid?: number;
  /** Called with each chunk of output, for progress of long builds. */
  onOutput?: (chunk: string) => void;
}

/** Runs a program to completion; resolves with its combined output, rejects with a CommandError naming it. */
export function run(program: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const label = [program.split('/').pop(), ...args.slice(0, 3)].join(' ');
    child.on('error', (err) => reject(new CommandError(label, null, err.message)));
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new CommandError(label, code, output))));
  });
}
