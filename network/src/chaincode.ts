import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { binary } from './binaries';
import { run } from './exec';
import { raftLeader } from './health';
import { layout } from './layout';
import { chaincodeProcess, peerAdminEnv } from './nodes';
import { runningPid, start, stop } from './processes';
import { timed } from './progress';
import { Settings } from './settings';
import { address, PeerNode, tlsName, Topology } from './topology';

export interface Deployment {
  label: string;
  version: string;
  packageId: string;
  sequence: number;
}

const deploymentFile = (s: Settings) => path.join(layout(s).chaincodeDir, 'deployment.json');

export function currentDeployment(s: Settings): Deployment | undefined {
  try {
    return JSON.parse(fs.readFileSync(deploymentFile(s), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Bumped whenever pack() changes what a package holds, so that every network redeploys. */
const PACKAGING = 'ccaas-mtls-1';

/**
 * A hash of everything the chaincode's build reads — its own sources and the shared domain package's (a changed
 * status or canonical JSON is a changed contract): a changed contract is a new version, an unchanged one is not redeployed.
 */
function sourceHash(dir: string): string {
  // The packaging is part of the version: mutual TLS between peer and chaincode server changed the package's connection.json.
  const hash = crypto.createHash('sha256').update(PACKAGING);
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const domain = path.join(dir, '..', 'domain');
  const sources = [dir, domain].flatMap((d) => [
    ...walk(path.join(d, 'src')),
    path.join(d, 'package.json'),
    path.join(d, 'tsconfig.json'),
  ]);
  for (const file of sources) {
    hash.update(path.relative(dir, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * A ccaas package: metadata.json + code.tar.gz holding only connection.json. The address is a placeholder that
 * our external builder fills from each peer's environment, so one package (one package ID) serves all orgs; so are
 * the TLS root and the peer's client certificate (the chaincode servers accept only clients of their org's CA).
 * Tar and gzip are made deterministic (sorted, zero mtimes, no gzip name/time): the same version packs to the same ID.
 */
async function pack(s: Settings, label: string): Promise<{ file: string; packageId: string }> {
  const dir = path.join(layout(s).chaincodeDir, label);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'code'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'code', 'connection.json'),
    JSON.stringify({
      address: '{{LUOHU_CHAINCODE_ADDRESS}}',
      dial_timeout: '10s',
      tls_required: true,
      client_auth_required: true,
    }),
  );
  fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
  const tar = ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--format=ustar'];
  await run(
    'sh',
    [
      '-c',
      `tar ${tar.join(' ')} -cf - -C code connection.json | gzip -n > code.tar.gz && tar ${tar.join(' ')} -cf - metadata.json code.tar.gz | gzip -n > package.tar.gz`,
    ],
    { cwd: dir },
  );
  const file = path.join(dir, 'package.tar.gz');
  const packageId = `${label}:${crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
  return { file, packageId };
}

async function committed(
  s: Settings,
  t: Topology,
  peer: PeerNode,
): Promise<{ sequence: number; version: string } | undefined> {
  try {
    const out = await run(
      binary(s, 'peer'),
      ['lifecycle', 'chaincode', 'querycommitted', '-C', t.channel, '-n', t.chaincode.name, '-O', 'json'],
      { env: peerAdminEnv(s, peer) },
    );
    return JSON.parse(out);
  } catch (err) {
    if (/not found|does not exist|is not defined/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

/**
 * Builds the chaincode if its source changed, and — if that version is not the committed one — runs the 2.x
 * lifecycle: install on every peer, approve by every org, commit with a new sequence. Then makes sure every org's
 * chaincode server runs the committed package.
 */
export async function deployChaincode(s: Settings, t: Topology, force = false): Promise<Deployment> {
  const moduleDir = path.join(s.repoRoot, t.chaincode.path);
  const version = sourceHash(moduleDir);
  const label = `${t.chaincode.name}_${version}`;
  const peers = t.peerOrgs.map((o) => o.peers[0]);
  const definition = await committed(s, t, peers[0]);
  let deployment = currentDeployment(s);
  if (
    force ||
    definition?.version !== version ||
    deployment?.version !== version ||
    !fs.existsSync(path.join(moduleDir, 'dist', 'index.js'))
  ) {
    await timed(`Building chaincode ${label}`, () => run('npm', ['run', 'build', '--silent'], { cwd: moduleDir }));
    const { file, packageId } = await pack(s, label);
    const sequence = definition?.version === version ? definition.sequence : (definition?.sequence ?? 0) + 1;
    deployment = { label, version, packageId, sequence };
    if (definition?.version !== version) {
      await timed(`Installing ${label} on ${peers.length} peers`, () =>
        Promise.all(peers.map((p) => install(s, p, file, packageId))),
      );
      const orderer = await ordererEndpoint(s, t);
      const lifecycle = [
        '-C',
        t.channel,
        '-n',
        t.chaincode.name,
        '-v',
        version,
        '--sequence',
        String(sequence),
        '-o',
        orderer.address,
        '--tls',
        '--cafile',
        orderer.tlsCa,
        '--ordererTLSHostnameOverride',
        orderer.tlsName,
      ];
      await timed(`Approving sequence ${sequence} by ${peers.map((p) => p.mspId).join(', ')}`, () =>
        Promise.all(
          peers.map((p) =>
            run(
              binary(s, 'peer'),
              ['lifecycle', 'chaincode', 'approveformyorg', ...lifecycle, '--package-id', packageId],
              { env: peerAdminEnv(s, p) },
            ),
          ),
        ),
      );
      const endorsers = peers.flatMap((p) => [
        '--peerAddresses',
        address(p.listen),
        '--tlsRootCertFiles',
        layout(s).caCert(p.org),
      ]);
      await timed(`Committing ${t.chaincode.name} sequence ${sequence}`, () =>
        run(binary(s, 'peer'), ['lifecycle', 'chaincode', 'commit', ...lifecycle, ...endorsers], {
          env: peerAdminEnv(s, peers[0]),
        }),
      );
    }
    fs.writeFileSync(deploymentFile(s), JSON.stringify(deployment, null, 2));
  }
  await ensureChaincodeServers(s, t, deployment);
  return deployment;
}

async function install(s: Settings, peer: PeerNode, file: string, packageId: string): Promise<void> {
  const env = peerAdminEnv(s, peer);
  const installed = await run(binary(s, 'peer'), ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json'], { env });
  if (installed.includes(packageId)) return;
  await run(binary(s, 'peer'), ['lifecycle', 'chaincode', 'install', file], { env });
}

async function ordererEndpoint(s: Settings, t: Topology): Promise<{ address: string; tlsCa: string; tlsName: string }> {
  const o = (await raftLeader(s, t)) ?? t.ordererOrg.orderers[0];
  return { address: address(o.listen), tlsCa: layout(s).caCert(t.ordererOrg.name), tlsName: tlsName(o) };
}

/** (Re)starts each org's chaincode server when it is down or runs another package. */
export async function ensureChaincodeServers(s: Settings, t: Topology, deployment: Deployment): Promise<void> {
  for (const org of t.peerOrgs) {
    const node = org.chaincode!;
    const pid = runningPid(s, node.id);
    if (pid !== undefined && runningPackage(pid) === deployment.packageId) continue;
    await stop(s, node.id);
    start(s, chaincodeProcess(s, t, node, deployment.packageId));
  }
}

function runningPackage(pid: number): string | undefined {
  try {
    const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return env.find((e) => e.startsWith('LUOHU_PACKAGE_ID='))?.slice('LUOHU_PACKAGE_ID='.length);
  } catch {
    return undefined;
  }
}
