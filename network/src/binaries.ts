import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { run } from './exec';
import { step, note } from './progress';
import { Settings, UsageError } from './settings';

/** The pinned releases. Fabric's module path has no /v2, so v2.5.0 (commit bd8e2485) is served as a pseudo-version. */
export const FABRIC_VERSION = '2.5.0';
export const FABRIC_COMMIT = 'bd8e2485';
export const FABRIC_CA_VERSION = '1.5.15';
export const FERRETDB_VERSION = '1.24.2';

interface Product {
  /** Folder under network/build holding the product's go.mod/go.sum that pin every dependency. */
  module: string;
  commands: string[];
  ldflags: string;
  version: string;
  /**
   * FerretDB embeds build/version/version.txt, which its module zip lacks (it is generated from git), and files in
   * the module cache cannot be changed or overlaid: such a product is built from a vendor copy (made from the same
   * go.sum) with that one file written in.
   */
  versionFile?: string;
  /**
   * Fixes to the pinned source, applied to the vendor copy (network/build/<module>/patches/*.patch, -p1 from the
   * patched module's root). Each patch's header says what it fixes and why it cannot wait for an upstream release.
   */
  patchedModule?: string;
}

const products: Product[] = [
  {
    module: 'fabric',
    commands: ['peer', 'orderer', 'configtxgen', 'osnadmin'].map((c) => `github.com/hyperledger/fabric/cmd/${c}`),
    ldflags: `-X github.com/hyperledger/fabric/common/metadata.Version=${FABRIC_VERSION} -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_COMMIT}`,
    version: FABRIC_VERSION,
    patchedModule: 'github.com/hyperledger/fabric',
  },
  {
    module: 'fabric-ca',
    commands: ['fabric-ca-server', 'fabric-ca-client'].map((c) => `github.com/hyperledger/fabric-ca/cmd/${c}`),
    ldflags: `-X github.com/hyperledger/fabric-ca/lib/metadata.Version=${FABRIC_CA_VERSION}`,
    version: FABRIC_CA_VERSION,
  },
  {
    module: 'ferretdb',
    commands: ['github.com/FerretDB/FerretDB/cmd/ferretdb'],
    ldflags: '',
    version: FERRETDB_VERSION,
    versionFile: 'github.com/FerretDB/FerretDB/build/version/version.txt',
  },
];

export const binary = (settings: Settings, name: string) => path.join(settings.binDir, name);

const stampFile = (settings: Settings) => path.join(settings.binDir, 'VERSIONS.json');

/** What the binaries were built from: the pins (go.sum) and the build flags. Any change rebuilds. */
function buildStamp(settings: Settings): Record<string, string> {
  const stamp: Record<string, string> = {
    fabric: FABRIC_VERSION,
    fabricCa: FABRIC_CA_VERSION,
    ferretdb: FERRETDB_VERSION,
  };
  for (const p of products) {
    const dir = path.join(settings.repoRoot, 'network', 'build', p.module);
    const hash = crypto.createHash('sha256');
    for (const f of ['go.mod', 'go.sum', ...patchFiles(dir).map((x) => path.join('patches', x))])
      hash.update(fs.readFileSync(path.join(dir, f)));
    hash.update(p.ldflags);
    stamp[`${p.module}Pins`] = hash.digest('hex').slice(0, 16);
  }
  return stamp;
}

export function builtVersions(settings: Settings): Record<string, string> | undefined {
  try {
    return JSON.parse(fs.readFileSync(stampFile(settings), 'utf8'));
  } catch {
    return undefined;
  }
}

async function goVersion(): Promise<string> {
  try {
    return (await run('go', ['version'])).trim();
  } catch {
    throw new UsageError(
      'Go is not installed or not on PATH: the network builds Fabric from source and needs Go >= 1.20 (https://go.dev/doc/install).',
    );
  }
}

/** Builds peer, orderer, configtxgen, osnadmin, fabric-ca-server and fabric-ca-client unless already built from the same pins. */
export async function ensureBinaries(settings: Settings): Promise<void> {
  const wanted = buildStamp(settings);
  const have = builtVersions(settings);
  const names = products.flatMap((p) => p.commands.map((c) => c.split('/').pop()!));
  if (
    have &&
    JSON.stringify(have) === JSON.stringify(wanted) &&
    [...names, 'sampleconfig'].every((n) => fs.existsSync(binary(settings, n)))
  )
    return;
  const go = await goVersion();
  fs.mkdirSync(settings.binDir, { recursive: true });
  for (const p of products) {
    const done = step(
      `Building ${p.module} ${p.version} with ${go.replace('go version ', '')} (first time: downloads modules, a few minutes)`,
    );
    const ticker = setInterval(() => note(`still building ${p.module}…`), 20_000);
    try {
      await build(settings, p);
    } catch (err) {
      throw new UsageError(`Building ${p.module} failed: ${(err as Error).message}`);
    } finally {
      clearInterval(ticker);
    }
    done();
  }
  // Fabric's own sample configs are the base our core.yaml / orderer.yaml are generated from.
  const moduleDir = (
    await run('go', ['list', '-mod=readonly', '-m', '-f', '{{.Dir}}', 'github.com/hyperledger/fabric'], {
      cwd: path.join(settings.repoRoot, 'network', 'build', 'fabric'),
    })
  ).trim();
  fs.cpSync(path.join(moduleDir, 'sampleconfig'), sampleConfigDir(settings), { recursive: true });
  fs.writeFileSync(stampFile(settings), JSON.stringify(wanted, null, 2) + '\n');
}

async function build(settings: Settings, p: Product): Promise<void> {
  const pins = path.join(settings.repoRoot, 'network', 'build', p.module);
  const env = { ...process.env, CGO_ENABLED: '1' };
  // Private work and output dirs, then a rename into place: a network starting meanwhile never runs half a binary.
  const work = path.join(settings.binDir, `.build-${p.module}-${process.pid}`);
  const out = path.join(work, 'out');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  try {
    const args = [
      'build',
      '-trimpath',
      '-buildvcs=false',
      ...(p.ldflags ? ['-ldflags', p.ldflags] : []),
      '-o',
      out + path.sep,
      ...p.commands,
    ];
    if (!p.versionFile && !p.patchedModule) {
      // -mod=readonly: go.sum must already pin every dependency; a build never rewrites it.
      await run('go', [args[0], '-mod=readonly', ...args.slice(1)], { cwd: pins, env });
    } else {
      const src = path.join(work, 'src');
      fs.mkdirSync(src);
      for (const f of ['go.mod', 'go.sum', 'tools.go']) fs.copyFileSync(path.join(pins, f), path.join(src, f));
      await run('go', ['mod', 'vendor'], { cwd: src, env });
      if (p.versionFile) fs.writeFileSync(path.join(src, 'vendor', p.versionFile), `v${p.version}\n`);
      for (const patch of p.patchedModule ? patchFiles(pins) : []) {
        await run('patch', [
          '-p1',
          '--forward',
          '--batch',
          '-d',
          path.join(src, 'vendor', p.patchedModule!),
          '-i',
          path.join(pins, 'patches', patch),
        ]);
      }
      await run('go', [args[0], '-mod=vendor', ...args.slice(1)], { cwd: src, env });
    }
    for (const f of fs.readdirSync(out)) fs.renameSync(path.join(out, f), path.join(settings.binDir, f));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function patchFiles(dir: string): string[] {
  const patches = path.join(dir, 'patches');
  return fs.existsSync(patches)
    ? fs
        .readdirSync(patches)
        .filter((f) => f.endsWith('.patch'))
        .sort()
    : [];
}

export const sampleConfigDir = (settings: Settings) => path.join(settings.binDir, 'sampleconfig');
