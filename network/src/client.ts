import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, Gateway, hash, signers } from '@hyperledger/fabric-gateway';
import FabricCAServices from 'fabric-ca-client';
import { User, Utils } from 'fabric-common';
import type { ConnectionDescription } from './connection';

/**
 * The client side of the network for tests and benchmarks: read the connection description, register and enroll
 * users with their org's CA (fabric-ca-client), and connect with @hyperledger/fabric-gateway as that user.
 */
export type OrgConnection = ConnectionDescription['orgs'][number];

export interface EnrolledUser {
  mspId: string;
  enrollmentId: string;
  certificate: string;
  privateKey: string;
}

export function readConnectionDescription(runDir: string): ConnectionDescription {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'connection.json'), 'utf8'));
}

export function orgByMsp(description: ConnectionDescription, mspId: string): OrgConnection {
  const org = description.orgs.find((o) => o.mspId === mspId);
  if (!org) throw new Error(`no org with MSP ID ${mspId} in the connection description`);
  return org;
}

// fabric-ca-client abandons a CA request after 3 s without a byte; a CA on a busy machine can take longer.
(Utils as unknown as { setConfigSetting(name: string, value: unknown): void }).setConfigSetting(
  'connection-timeout',
  30_000,
);

function caFor(org: OrgConnection): FabricCAServices {
  return new FabricCAServices(org.ca.url, { trustedRoots: [org.ca.tlsRootCert], verify: true }, org.ca.caName);
}

function bureauAdmin(org: OrgConnection): User {
  return User.createUser(
    org.admin.enrollmentId,
    '',
    org.mspId,
    fs.readFileSync(org.admin.certFile, 'utf8'),
    fs.readFileSync(org.admin.keyFile, 'utf8'),
  );
}

/** Registers a user with role (and other) attributes put into the enrollment certificate, then enrolls it. */
export async function registerAndEnroll(
  org: OrgConnection,
  enrollmentId: string,
  attributes: Record<string, string>,
): Promise<EnrolledUser> {
  const ca = caFor(org);
  const attrs = Object.entries(attributes).map(([name, value]) => ({ name, value, ecert: true }));
  const secret = await ca.register(
    { enrollmentID: enrollmentId, role: 'client', affiliation: '', maxEnrollments: -1, attrs },
    bureauAdmin(org),
  );
  const enrollment = await ca.enroll({ enrollmentID: enrollmentId, enrollmentSecret: secret });
  return { mspId: org.mspId, enrollmentId, certificate: enrollment.certificate, privateKey: enrollment.key.toBytes() };
}

/** One gRPC connection to an org's peer; share it between gateways of many users. */
export function peerClient(org: OrgConnection, peerIndex = 0): grpc.Client {
  const peer = org.peers[peerIndex];
  // Certificates name localhost; the override avoids grpc-js's deprecated TLS server name for IP addresses.
  return new grpc.Client(peer.endpoint, grpc.credentials.createSsl(Buffer.from(org.tlsRootCert)), {
    'grpc.ssl_target_name_override': peer.hostnameOverride,
  });
}

export function connectAs(user: EnrolledUser, client: grpc.Client): Gateway {
  return connect({
    client,
    identity: { mspId: user.mspId, credentials: Buffer.from(user.certificate) },
    signer: signers.newPrivateKeySigner(crypto.createPrivateKey(user.privateKey)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
    submitOptions: () => ({ deadline: Date.now() + 15_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
}
