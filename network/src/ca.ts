import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { binary } from './binaries';
import { run } from './exec';
import { identityFiles, layout } from './layout';
import { ProcessSpec } from './processes';
import { Settings } from './settings';
import { address, CaNode, Org, tlsHosts } from './topology';

/** The fabric-ca-server of an org. Every flag is passed on every start: `init` does not save flags into its config. */
export function caProcess(s: Settings, ca: CaNode): ProcessSpec {
  const l = layout(s);
  fs.mkdirSync(l.caHome(ca.org), { recursive: true });
  return {
    id: ca.id,
    program: binary(s, 'fabric-ca-server'),
    args: [
      'start',
      '--home',
      l.caHome(ca.org),
      '--boot',
      `registrar:${secretFor(s, ca.org, 'registrar')}`,
      '--address',
      ca.listen.host,
      '--port',
      String(ca.listen.port),
      '--ca.name',
      ca.caName,
      '--csr.cn',
      ca.caName,
      '--csr.hosts',
      tlsHosts(ca).join(','),
      '--tls.enabled',
      '--operations.listenaddress',
      address(ca.operations),
      '--metrics.provider',
      'prometheus',
    ],
    env: { PATH: process.env.PATH, HOME: l.caHome(ca.org) },
    cwd: l.caHome(ca.org),
  };
}

/** Enrollment secrets are random per identity and kept beside the CA (they never leave the instance's run dir). */
export function secretFor(s: Settings, org: string, name: string): string {
  const file = layout(s).caSecrets(org);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secrets: Record<string, string> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  if (!secrets[name]) {
    secrets[name] = crypto.randomBytes(12).toString('hex');
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[name];
}

export interface Registration {
  name: string;
  type: 'admin' | 'peer' | 'orderer' | 'client';
  attrs?: string;
  /** Host names for a TLS certificate; none → no TLS enrollment. */
  tlsHosts?: string[];
}

/** Registers (once) and enrolls (once) an identity with its org's CA, then lays out its MSP and TLS files. */
export async function issueIdentity(s: Settings, org: Org, reg: Registration): Promise<void> {
  const l = layout(s);
  const files = identityFiles(l.identityDir(org.name, reg.name));
  if (fs.existsSync(files.cert) && (!reg.tlsHosts || fs.existsSync(files.tlsCert))) return;
  const ca = org.ca;
  const caUrl = (user?: string) => `https://${user ? `${user}@` : ''}${address(ca.listen)}`;
  const common = ['--caname', ca.caName, '--tls.certfiles', l.caCert(org.name)];
  const registrarHome = path.join(l.orgDir(org.name), 'registrar');
  const client = (args: string[], home: string) =>
    run(binary(s, 'fabric-ca-client'), [...args, ...common, '--home', home], {
      env: { PATH: process.env.PATH, HOME: home },
    });

  if (!fs.existsSync(path.join(registrarHome, 'msp', 'signcerts', 'cert.pem'))) {
    await client(['enroll', '-u', caUrl(`registrar:${secretFor(s, org.name, 'registrar')}`)], registrarHome);
  }
  const secret = secretFor(s, org.name, `id:${reg.name}`);
  try {
    await client(
      [
        'register',
        '-u',
        caUrl(),
        '--id.name',
        reg.name,
        '--id.secret',
        secret,
        '--id.type',
        reg.type,
        ...(reg.attrs ? ['--id.attrs', reg.attrs] : []),
      ],
      registrarHome,
    );
  } catch (err) {
    // A previous `up` that stopped between register and enroll left it registered with the same secret.
    if (!/already registered/i.test((err as Error).message)) throw err;
  }
  fs.mkdirSync(files.dir, { recursive: true });
  await client(['enroll', '-u', caUrl(`${reg.name}:${secret}`), '--mspdir', files.msp], files.dir);
  normaliseMsp(files.msp);
  if (reg.tlsHosts) {
    const tlsMsp = path.join(files.dir, 'tls-msp');
    await client(
      [
        'enroll',
        '-u',
        caUrl(`${reg.name}:${secret}`),
        '--mspdir',
        tlsMsp,
        '--enrollment.profile',
        'tls',
        '--csr.hosts',
        reg.tlsHosts.join(','),
      ],
      files.dir,
    );
    fs.mkdirSync(path.dirname(files.tlsCert), { recursive: true });
    fs.copyFileSync(path.join(tlsMsp, 'signcerts', 'cert.pem'), files.tlsCert);
    fs.copyFileSync(onlyFile(path.join(tlsMsp, 'keystore')), files.tlsKey);
    fs.copyFileSync(onlyFile(path.join(tlsMsp, 'tlscacerts')), files.tlsCa);
    fs.rmSync(tlsMsp, { recursive: true, force: true });
  }
}

function onlyFile(dir: string): string {
  const files = fs.readdirSync(dir);
  if (files.length !== 1) throw new Error(`expected exactly one file in ${dir}, found ${files.length}`);
  return path.join(dir, files[0]);
}

/** Fixed file names (cacerts/ca.pem, keystore/key.pem) and NodeOUs, so that roles come from the certificate's OU. */
export function normaliseMsp(msp: string): void {
  for (const [folder, target] of [
    ['cacerts', 'ca.pem'],
    ['keystore', 'key.pem'],
  ] as const) {
    const dir = path.join(msp, folder);
    const file = onlyFile(dir);
    if (path.basename(file) !== target) fs.renameSync(file, path.join(dir, target));
  }
  writeNodeOUs(msp);
}

export function writeNodeOUs(msp: string): void {
  const ou = (name: string) =>
    `  ${name[0].toUpperCase()}${name.slice(1)}OUIdentifier:\n    Certificate: cacerts/ca.pem\n    OrganizationalUnitIdentifier: ${name}\n`;
  fs.writeFileSync(
    path.join(msp, 'config.yaml'),
    `NodeOUs:\n  Enable: true\n${['client', 'peer', 'admin', 'orderer'].map(ou).join('')}`,
  );
}

/** The org's MSP as the channel knows it: root CA (also the TLS root) and NodeOUs. */
export function writeOrgMsp(s: Settings, org: Org): void {
  const l = layout(s);
  const msp = l.orgMsp(org.name);
  for (const folder of ['cacerts', 'tlscacerts']) {
    fs.mkdirSync(path.join(msp, folder), { recursive: true });
    fs.copyFileSync(l.caCert(org.name), path.join(msp, folder, 'ca.pem'));
  }
  writeNodeOUs(msp);
}
