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
  /**
   * Where the nodes run: `local` (every node on this machine's 127.0.0.1) or `netns` (LUOHU_HOSTS=netns: each bureau's
   * CA, peer and chaincode server, and each orderer, on a host of its own — a Linux network namespace with its own
   * address; see hosts.ts). Needs root and iproute2.
   */
  hosts: 'local' | 'netns';
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
  const hosts = env.LUOHU_HOSTS || 'local';
  if (hosts !== 'local' && hosts !== 'netns') {
    throw new UsageError(`LUOHU_HOSTS must be local or netns, got "${env.LUOHU_HOSTS}"`);
  }
  return {
    repoRoot,
    binDir: path.resolve(env.LUOHU_BIN_DIR || path.join(repoRoot, 'network', '.bin')),
    runDir: path.resolve(env.LUOHU_NETWORK_DIR || path.join(repoRoot, 'network', '.run', 'dev')),
    basePort,
    topologyFile: path.resolve(env.LUOHU_TOPOLOGY || path.join(repoRoot, 'network', 'topology.yaml')),
    hosts,
  };
}
