import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../src/settings';
import { FAULT_KINDS, FaultKind, needsHosts } from './faults';
import { figures, printable } from './report';
import { runSoak } from './run';
import { WORKLOADS } from './workload';
import { DEFAULT_MIX, parseMix } from './workload/mix';

/**
 * `npm run soak`: the long form by default (20 writes/s, every fault, a minute apart); SOAK_* variables shorten it, and
 * SOAK_MIX weighs the workloads (e.g. `batch-anchor=6,complaint=4,alert-http=4,alert-mqtt=4,application=2,payout=1`).
 * Prints the figures and writes every record to network/.run/soak/result.json. Exit code 1 when anything acknowledged
 * was lost, duplicated or misreported.
 */
async function main(): Promise<void> {
  const env = process.env;
  // The link cut needs network namespaces, so root: without it, every other fault.
  const everyFault = process.getuid?.() === 0 ? FAULT_KINDS : FAULT_KINDS.filter((f) => !needsHosts([f]));
  const faults = (env.SOAK_FAULTS ?? everyFault.join(',')).split(',').filter(Boolean) as FaultKind[];
  for (const f of faults)
    if (!FAULT_KINDS.includes(f)) throw new Error(`SOAK_FAULTS: unknown fault "${f}" (${FAULT_KINDS.join(', ')})`);
  const networkDir = path.resolve(env.SOAK_NETWORK_DIR ?? path.join(repoRoot, 'network', '.run', 'soak'));
  const result = await runSoak({
    basePort: Number(env.SOAK_BASE_PORT ?? 19000),
    networkDir,
    rate: Number(env.SOAK_RATE ?? 20),
    writers: Number(env.SOAK_WRITERS ?? 20),
    mix: env.SOAK_MIX ? parseMix(env.SOAK_MIX, WORKLOADS) : DEFAULT_MIX,
    faults,
    hosts: needsHosts(faults) ? 'netns' : 'local',
    warmupMs: Number(env.SOAK_WARMUP_S ?? 30) * 1000,
    betweenMs: Number(env.SOAK_BETWEEN_S ?? 60) * 1000,
    downMs: Number(env.SOAK_DOWN_S ?? 5) * 1000,
    giveUpMs: Number(env.SOAK_GIVE_UP_S ?? 120) * 1000,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const f = figures(result);
  fs.writeFileSync(path.join(networkDir, 'soak-result.json'), JSON.stringify({ figures: f, ...result }, null, 1));
  console.log(printable(f, result));
  // Left running to be looked into (its logs, its peers' ledgers); it holds ports and two cores' worth of processes.
  const hosts = needsHosts(faults) ? ' LUOHU_HOSTS=netns' : '';
  process.stderr.write(
    `• The soak's network is still up; stop it with: LUOHU_BASE_PORT=${env.SOAK_BASE_PORT ?? 19000} ` +
      `LUOHU_NETWORK_DIR=${networkDir}${hosts} npm run network -- down\n`,
  );
  if (f.lost + f.duplicated + f.misreported > 0 || result.faults.some((x) => x.error)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`soak failed: ${(err as Error).stack ?? err}\n`);
  process.exit(2);
});
