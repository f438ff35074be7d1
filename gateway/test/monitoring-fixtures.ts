import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { KeyVault } from '../src/identity/secrets';
import { canonicalJson, SafetyAlert } from '../src/monitoring/alert-schema';
import { api, bearer, newUser, randomHash, testConfig, TestGateway, TestUser, uniqueId } from './support/gateway';
import { filesOf } from './support/fixtures';

/** What an edge device holds after enrolment: its username, certificate and private key. */
export interface Device { username: string; certificate: string; privateKey: crypto.KeyObject; user: TestUser }

let connection: mongoose.Connection | undefined;

/**
 * The key of a user as the device itself would hold it. The gateway enrolled it and keeps it sealed; the test
 * opens it with the test network's key-encryption key, standing in for provisioning the camera.
 */
export async function enrolledKey(username: string): Promise<{ certificate: string; privateKey: crypto.KeyObject }> {
  const config = testConfig();
  connection ??= await mongoose.createConnection(config.mongoUrl).asPromise();
  const user = await connection.collection<{ _id: string; certificate: string; sealedKey: string }>('users').findOne({ _id: username });
  if (!user) throw new Error(`no user ${username}`);
  return { certificate: user.certificate, privateKey: new KeyVault(config.keyEncryptionKey).open(username, user.sealedKey) };
}

export async function closeFixtures(): Promise<void> {
  await connection?.close();
  connection = undefined;
}

export async function newDevice(g: TestGateway): Promise<Device> {
  const user = await newUser(g, 'device');
  return { username: user.username, user, ...(await enrolledKey(user.username)) };
}

/** A project on the ledger for alerts to name (any status will do). */
export async function newProject(g: TestGateway, contractor: TestUser): Promise<string> {
  const id = uniqueId('P');
  const kinds = ['application_form', 'budget_estimate', 'feasibility_study', 'land_use_permit', 'traffic_impact_assessment'];
  await api(g).post('/v1/projects').set(bearer(contractor)).send({
    id, name: '东门小学改扩建', type: 'road', budget: 80_000_000, location: { address: '东门', lat: 22.5461, lng: 114.1175 },
    contractorId: contractor.company, files: filesOf(contractor, kinds),
  }).expect(201);
  return id;
}

export function alertOf(deviceId: string, projectId: string, extra: Partial<SafetyAlert> = {}): SafetyAlert {
  return {
    id: uniqueId('SA'), projectId, deviceId, alertType: 'no_helmet', observedAt: '2025-03-03T09:15:00+08:00',
    location: { site: '东门小学工地', zone: '3号塔吊下' }, evidenceSha256: randomHash(), ...extra,
  };
}

/** ECDSA P-256 / SHA-256 over the canonical JSON of the alert, DER-encoded, base64 — what the camera firmware does. */
export const sign = (alert: unknown, key: crypto.KeyObject) => crypto.sign('sha256', Buffer.from(canonicalJson(alert)), key).toString('base64');
