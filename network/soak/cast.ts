import fs from 'node:fs';
import path from 'node:path';
import { requiredFiles } from '@luohu/domain';
import { completeSignatures, SigningClient } from '../../gateway/src/client';
import type { DeviceIdentity } from '../../gateway/src/device-client/device-client';
import { deviceIdentity } from '../../fixtures/device-files';
import { repoRoot } from '../src/settings';
import { ReplicaClient } from './writers';

/** The company the soak's contractor applies for (the demo's, with its qualification: registered once per network). */
const demo = JSON.parse(fs.readFileSync(path.join(repoRoot, 'fixtures', 'demo-users.json'), 'utf8')) as {
  companies: { id: string; name: string; creditCode: string; qualification?: unknown }[];
};
const COMPANY = demo.companies[0];
/** Applications are roads: five files, and Housing and transport review. */
export const PROJECT_TYPE = 'road';

/** Who writes in the soak: each holds their own key (the devices theirs), registered by Housing's admin. */
export interface Cast {
  /** Inspectors: they anchor batches. */
  inspectors: ReplicaClient[];
  contractor: ReplicaClient;
  /** Housing's window clerk: pre-reviews the applications. */
  clerk: ReplicaClient;
  devices: { http: DeviceIdentity; mqtt: DeviceIdentity };
  /** The application files, anchored for the contractor's company once: every application names them. */
  files: { kind: string; sha256: string }[];
  /** The project the devices report on. */
  siteProject: string;
  company: string;
}

export type Call = (method: string, route: string, body?: unknown) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Signs in as a bureau's admin (`admin.<org>`) at a replica; its calls answer status and JSON body. */
export async function bureauAdmin(baseUrl: string, org: string, password: string): Promise<Call> {
  const as =
    (token?: string): Call =>
    async (method, route, body) => {
      const res = await fetch(`${baseUrl}/v1${route}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
  const session = await as()('POST', '/sessions', { username: `admin.${org}`, password });
  if (!session.body.token) throw new Error(`soak: cannot sign in as admin.${org} (${session.status})`);
  return as(session.body.token);
}

/** How long set-up writes are retried while the gateway answers "retry later". */
const SET_UP_PATIENCE_MS = 60_000;

export async function must(what: string, res: Promise<{ status: number; body: unknown }>, ok = [201]) {
  const r = await res;
  if (!ok.includes(r.status)) throw new Error(`soak: ${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** Registers a user of the admin's bureau and returns the one-time enrollment code. */
async function register(admin: Call, user: Record<string, string>): Promise<string> {
  const res = await must(`register ${user.username}`, admin('POST', '/users', user));
  return (res.body as { enrollment: { code: string } }).enrollment.code;
}

/** Registers a person with the admin's bureau and enrolls a key made here; the client starts at replica `start`. */
export async function enrollPerson(
  admin: Call,
  baseUrls: string[],
  user: { username: string; role: string } & Record<string, string>,
  start: number,
): Promise<ReplicaClient> {
  const code = await register(admin, { displayName: `Soak ${user.role} ${user.username}`, ...user });
  return new ReplicaClient(baseUrls, await SigningClient.enroll(baseUrls[0], user.username, code), start);
}

/** Uploads one application file as raw bytes; the contractor signs its anchoring for the company. */
async function uploadFile(contractor: SigningClient, kind: string, runId: string) {
  const first = await fetch(`${contractor.baseUrl}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${contractor.sessionToken}`, 'content-type': 'text/plain' },
    body: `soak ${runId}: ${kind}\n`,
  });
  const res = await completeSignatures(contractor.baseUrl, contractor.holder, {
    status: first.status,
    headers: first.headers,
    body: await first.json(),
  });
  await must(`upload ${kind}`, Promise.resolve(res), [200, 201]);
  return { kind, sha256: (res.body as { sha256: string }).sha256 };
}

/** An application body for project `id`, naming the cast's files. */
export function applicationBody(id: string, files: Cast['files'], company: string) {
  return {
    id,
    name: `浸泡测试道路 ${id}`,
    type: PROJECT_TYPE,
    budget: 80_000_000,
    location: { address: '罗湖区东门步行街', lat: 22.5461, lng: 114.1175 },
    contractorId: company,
    files,
  };
}

/**
 * Registers and enrolls the soak's people and devices (before any fault), anchors the application files once and
 * applies for the project the devices report on. `networkDir` keeps the devices' keys, as their storage would.
 */
export async function enrollCast(
  baseUrls: string[],
  adminPassword: string,
  inspectors: number,
  runId: string,
  networkDir: string,
): Promise<Cast> {
  const baseUrl = baseUrls[0];
  const admin = await bureauAdmin(baseUrl, 'housing', adminPassword);
  // 409: the network has the company from an earlier soak.
  const { qualification, ...company } = COMPANY;
  await must('register the company', admin('POST', '/contractors', company), [201, 409]);
  if (qualification)
    await must(
      'qualify the company',
      admin('POST', `/contractors/${COMPANY.id}/qualifications`, qualification),
      [201, 409],
    );
  const person = (username: string, role: string, extra: Record<string, string>, start: number) =>
    enrollPerson(admin, baseUrls, { username, role, ...extra }, start);
  const writers: ReplicaClient[] = [];
  for (let i = 0; i < inspectors; i++)
    writers.push(await person(`soak-${runId}-${i}`, 'inspector', { dept: 'housing' }, i)); // spread over the replicas
  const contractor = await person(`soak-${runId}-contractor`, 'contractor', { company: COMPANY.id }, 0);
  const clerk = await person(`soak-${runId}-clerk`, 'clerk', { dept: 'housing' }, 1);
  const device = async (transport: string) => {
    const username = `soak-${runId}-cam-${transport}`;
    const code = await register(admin, { username, role: 'device', displayName: `Soak camera (${transport})` });
    return deviceIdentity(baseUrl, networkDir, username, code);
  };
  const devices = { http: await device('http'), mqtt: await device('mqtt') };
  // Set-up retries as the README tells clients to (same Idempotency-Key while the answer says to retry later): a peer
  // just restarted by `up` may still be catching up, and a write refused there is answered 503 until it has.
  const signed = new SigningClient(baseUrl, contractor.holder, contractor.sessionToken, SET_UP_PATIENCE_MS);
  const files = await Promise.all(requiredFiles(PROJECT_TYPE).map((kind) => uploadFile(signed, kind, runId)));
  const siteProject = `P-SOAK-${runId}`;
  await must(
    'apply for the site project',
    signed.request('POST', '/v1/projects', applicationBody(siteProject, files, COMPANY.id), {
      'idempotency-key': `soak-${runId}-site-project`,
    }),
  );
  return { inspectors: writers, contractor, clerk, devices, files, siteProject, company: COMPANY.id };
}
