import fs from 'node:fs';
import { deployChaincode } from './chaincode';
import { CommandError } from './exec';
import { clean, down, status, up } from './network';
import { logFile } from './processes';
import { loadSettings, UsageError } from './settings';
import { loadTopology } from './topology';

const usage = `usage: npm run network -- <command>
  up              build Fabric if needed, start every node (resuming existing data), create the channel, deploy the chaincode
  down            stop every node; data is kept
  status [--json] every node's pid, health and ledger height, the Fabric version, the channel's orgs
  logs [node]     the last lines of a node's log (without a node: where every log is)
  deploy          build and deploy the chaincode again if it changed (new package, new sequence)
  clean           stop every node and delete this instance's data
environment: LUOHU_BASE_PORT (default 7000), LUOHU_NETWORK_DIR (default network/.run/dev), LUOHU_TOPOLOGY,
  LUOHU_HOSTS (local, the default: every node on 127.0.0.1; netns: each bureau and each orderer on a host of its own, a
  network namespace — needs root; clean removes the namespaces)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const settings = loadSettings();
  const topology = loadTopology(settings);
  switch (command) {
    case 'up':
      return up(settings, topology);
    case 'down':
      return down(settings, topology);
    case 'clean':
      return clean(settings, topology);
    case 'deploy':
      await deployChaincode(settings, topology, rest.includes('--force'));
      return;
    case 'status': {
      const report = await status(settings, topology);
      if (rest.includes('--json')) return void console.log(JSON.stringify(report, null, 2));
      console.log(
        `Fabric ${report.fabricVersion ?? '(not built)'}, Fabric CA ${report.fabricCaVersion ?? '(not built)'} — channel ${report.channel.name}, Raft leader ${report.channel.raftLeader ?? 'none'}, chaincode ${report.chaincode?.label ?? 'not deployed'}`,
      );
      for (const n of report.nodes) {
        console.log(
          `${n.healthy ? '●' : n.pid ? '◐' : '○'} ${n.id.padEnd(20)} ${n.kind.padEnd(9)} ${n.endpoint.padEnd(16)} pid ${String(n.pid ?? '-').padEnd(8)} ${n.healthy ? 'healthy' : n.pid ? 'unhealthy' : 'stopped'}${n.height !== null ? `  height ${n.height}` : ''}${n.role ? `  ${n.role}` : ''}`,
        );
      }
      return;
    }
    case 'logs': {
      const node = rest[0];
      if (!node) return topology.nodes.forEach((n) => console.log(`${n.id.padEnd(20)} ${logFile(settings, n.id)}`));
      if (!topology.nodes.some((n) => n.id === node))
        throw new UsageError(`no node "${node}"; nodes are: ${topology.nodes.map((n) => n.id).join(', ')}`);
      const file = logFile(settings, node);
      if (!fs.existsSync(file)) throw new UsageError(`${node} has no log yet (${file})`);
      return void process.stdout.write(fs.readFileSync(file, 'utf8').split('\n').slice(-200).join('\n'));
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"\n${usage}` : usage);
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  const known = err instanceof UsageError || err instanceof CommandError;
  process.stderr.write(`network: ${known ? err.message : err.stack}\n`);
  process.exit(known ? 2 : 1);
});
