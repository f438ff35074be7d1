import fs from 'node:fs';
import { brokerUrl } from './broker';
import { currentDatabase, mongoUrl, postgresUrl } from './database';
import { layout, orgAdmin } from './layout';
import { Settings } from './settings';
import { address, tlsName, Topology } from './topology';
import type { ConnectionDescription } from '@luohu/domain';

export type { ConnectionDescription } from '@luohu/domain';

function databaseEntry(s: Settings, t: Topology): ConnectionDescription['database'] {
  const choice = currentDatabase(s);
  if (!choice) return { url: mongoUrl(t.database), backend: 'unknown' };
  return {
    url: mongoUrl(t.database),
    backend: choice.backend,
    postgresql: postgresUrl(t.database),
    user: choice.user,
    passwordFile: choice.passwordFile,
  };
}

export function writeConnectionDescription(s: Settings, t: Topology): ConnectionDescription {
  const l = layout(s);
  const pem = (org: string) => fs.readFileSync(l.caCert(org), 'utf8');
  const description: ConnectionDescription = {
    channel: t.channel,
    chaincode: t.chaincode.name,
    orgs: t.peerOrgs.map((o) => ({
      name: o.name,
      mspId: o.mspId,
      displayName: o.displayName,
      tlsRootCert: pem(o.name),
      peers: o.peers.map((p) => ({ id: p.id, endpoint: address(p.listen), hostnameOverride: tlsName(p) })),
      ca: { url: `https://${address(o.ca.listen)}`, caName: o.ca.caName, tlsRootCert: pem(o.name) },
      admin: { enrollmentId: 'admin', certFile: orgAdmin(l, o).cert, keyFile: orgAdmin(l, o).key },
    })),
    orderers: t.ordererOrg.orderers.map((o) => ({
      id: o.id,
      endpoint: address(o.listen),
      tlsRootCert: pem(t.ordererOrg.name),
    })),
    database: databaseEntry(s, t),
    broker: { url: brokerUrl(t.broker) },
  };
  fs.writeFileSync(l.connectionFile, JSON.stringify(description, null, 2));
  return description;
}
