import path from 'node:path';
import { Settings } from './settings';
import { NetworkNode, Org } from './topology';

/** Every path inside one instance's run dir, in one place. */
export const layout = (s: Settings) => ({
  caHome: (org: string) => path.join(s.runDir, 'ca', org),
  caCert: (org: string) => path.join(s.runDir, 'ca', org, 'ca-cert.pem'),
  caSecrets: (org: string) => path.join(s.runDir, 'ca', org, 'secrets.json'),
  orgDir: (org: string) => path.join(s.runDir, 'orgs', org),
  orgMsp: (org: string) => path.join(s.runDir, 'orgs', org, 'msp'),
  identityDir: (org: string, name: string) => path.join(s.runDir, 'orgs', org, 'identities', name),
  configDir: (node: NetworkNode) => path.join(s.runDir, 'config', node.id),
  dataDir: (node: NetworkNode) => path.join(s.runDir, 'data', node.id),
  channelDir: path.join(s.runDir, 'channel'),
  chaincodeDir: path.join(s.runDir, 'chaincode'),
  connectionFile: path.join(s.runDir, 'connection.json'),
});

export type Layout = ReturnType<typeof layout>;

/** The files of one CA-issued identity once normalised: an MSP folder and a TLS key pair. */
export const identityFiles = (dir: string) => ({
  dir,
  msp: path.join(dir, 'msp'),
  cert: path.join(dir, 'msp', 'signcerts', 'cert.pem'),
  key: path.join(dir, 'msp', 'keystore', 'key.pem'),
  tlsCert: path.join(dir, 'tls', 'server.crt'),
  tlsKey: path.join(dir, 'tls', 'server.key'),
  tlsCa: path.join(dir, 'tls', 'ca.crt'),
});

export const orgAdmin = (l: Layout, org: Org) => identityFiles(l.identityDir(org.name, 'admin'));
export const nodeIdentity = (l: Layout, node: NetworkNode) =>
  identityFiles(l.identityDir(node.org, node.kind === 'chaincode' ? 'chaincode' : (node as { name: string }).name));
