import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { enroll, DeviceIdentity } from '../src/device-client/device-client';
import { newKeyPair } from '../src/device-client/keys';
import { KeyVault } from '../src/identity/secrets';
import { canonicalJson } from '@luohu/domain';
import type { SafetyAlert } from '../src/monitoring/alert-schema';
import { adminToken, api, bearer, randomHash, testConfig, TestGateway, TestUser, uniqueId } from './support/gateway';
import { filesOf } from './support/fixtures';

/**
 * What an edge device holds after enrolment: its username, the certificate its bureau's CA issued, and the private
 * key it made itself (as WebCrypto's CryptoKey for the device client, and as a KeyObject for raw signatures).
 */
export interface Device extends DeviceIdentity {
  privateKeyObject: crypto.KeyObject;
}

let connection: mongoose.Connection | undefined;

/** The test network's database, as an attacker with database access (or a test reading a custodial key) sees it. */
export async function database(): Promise<mongoose.Connection> {
  connection ??= await mongoose.createConnection(testConfig().mongoUrl).asPromise();
  return connection;
}

/**
 * The key of a user whose key the gateway holds (people, until they hold their own): opened with the test network's
 * key-encryption key, as a stolen database plus key file would give it.
 */
export async function enrolledKey(username: string): Promise<{ certificate: string; privateKey: crypto.KeyObject }> {
  const user = await (
    await database()
  )
    .collection<{ _id: string; certificate: string; sealedKey: string }>('users')
    .findOne({ _id: username });
  if (!user) throw new Error(`no user ${username}`);
  return {
    certificate: user.certificate,
    privateKey: new KeyVault(testConfig().keyEncryptionKey).open(username, user.sealedKey),
  };
}

export async function closeFixtures(): Promise<void> {
  await connection?.close();
  connection = undefined;
}

/** A Housing admin registers a device: the answer carries its one-time enrollment code. */
export async function registerDevice(
  g: TestGateway,
  org = 'housing',
): Promise<{ username: string; code: string; expiresAt: string }> {
  const username = `device-${crypto.randomUUID().slice(0, 12)}`;
  const res = await api(g)
    .post('/v1/users')
    .set('authorization', `Bearer ${await adminToken(g, org)}`)
    .send({ username, role: 'device', displayName: '东门小学工地 3号塔吊 AI 摄像头' });
  if (res.status !== 201) throw new Error(`register device: ${res.status} ${JSON.stringify(res.body)}`);
  return { username, code: res.body.enrollment.code, expiresAt: res.body.enrollment.expiresAt };
}

/** A device as it would be provisioned: registered by its admin, its key made on the device, enrolled with the code. */
export async function newDevice(g: TestGateway): Promise<Device> {
  const { username, code } = await registerDevice(g);
  // Extractable: the tests also sign with it as a KeyObject, and Node 24 deprecates KeyObject.from of a
  // non-extractable key (DEP0204).
  const keys = await newKeyPair(true);
  const certificate = await enroll(g.url, username, code, keys);
  return {
    username,
    certificate,
    privateKey: keys.privateKey,
    privateKeyObject: crypto.KeyObject.from(keys.privateKey),
  };
}

/** A project on the ledger for alerts to name (any status will do). */
export async function newProject(g: TestGateway, contractor: TestUser): Promise<string> {
  const id = uniqueId('P');
  const kinds = [
    'application_form',
    'budget_estimate',
    'feasibility_study',
    'land_use_permit',
    'traffic_impact_assessment',
  ];
  await api(g)
    .post('/v1/projects')
    .set(bearer(contractor))
    .send({
      id,
      name: '东门小学改扩建',
      type: 'road',
      budget: 80_000_000,
      location: { address: '东门', lat: 22.5461, lng: 114.1175 },
      contractorId: contractor.company,
      files: filesOf(contractor, kinds),
    })
    .expect(201);
  return id;
}

export function alertOf(deviceId: string, projectId: string, extra: Partial<SafetyAlert> = {}): SafetyAlert {
  return {
    id: uniqueId('SA'),
    projectId,
    deviceId,
    alertType: 'no_helmet',
    observedAt: '2025-03-03T09:15:00+08:00',
    location: { site: '东门小学工地', zone: '3号塔吊下' },
    evidenceSha256: randomHash(),
    ...extra,
  };
}

/** ECDSA P-256 / SHA-256 over the canonical JSON of the alert, DER-encoded, base64 — what the camera firmware does. */
export const sign = (alert: unknown, key: crypto.KeyObject) =>
  crypto.sign('sha256', Buffer.from(canonicalJson(alert)), key).toString('base64');
