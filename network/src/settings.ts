import path from 'node:path';

/** Where things live for one network instance; read once from the environment. */
export interface Settings {
  repoRoot: string;
  /** Built Fabric binaries, shared by every instance of this checkout. */
  binDir: string;
  /** This instance's data: keys, ledgers, generated configs, pids, logs. */
  runDir: string;
  basePort: number;
  topologyFile: string;
}

export const repoRoot = path.resolve(__dirname, '..', '..');

export class UsageError extends Error {
  override name = 'UsageError';
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const basePort = Number(env.LUOHU_BASE_PORT || 7000);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65000) {
    throw new UsageError(`LUOHU_BASE_PORT must be an integer between 1024 and 65000, got "${env.LUOHU_BASE_PORT}"`);
  }
  return {
    repoRoot,
    binDir: path.resolve(env.LUOHU_BIN_DIR || path.join(repoRoot, 'network', '.bin')),
    runDir: path.resolve(env.LUOHU_NETWORK_DIR || path.join(repoRoot, 'network', '.run', 'dev')),
    basePort,
    topologyFile: path.resolve(env.LUOHU_TOPOLOGY || path.join(repoRoot, 'network', 'topology.yaml')),
  };
}
