import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/platform/logger';
import { createServer } from '../../src/server';
import { loadCalendar } from '../../src/shared/working-days';
import type { Registrar } from '../../src/identity/certificate-authority';
import type { Role } from '../../src/identity/models';
import { SigningClient } from '../../src/client/signing-client';
import { rememberHolder, signingAgent } from './signing-agent';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../../../chaincode/src/registry/credit-code';

/** The suite's network (see network/test/support/suite-network.ts): the gateway under test reads its connection description. */
export const suiteNetworkDir =
  process.env.LUOHU_TEST_NETWORK_DIR ?? path.resolve(__dirname, '..', '..', '..', 'network', '.run', 'test');
export const ADMIN_PASSWORD = 'luohu-admin-test-only';

/**
 * The suite's gateways sit behind the tests as behind a proxy on loopback: tests of per-address limits speak for many
 * clients with X-Forwarded-For. The default (no trusted proxy) is tested on its own in sign-in.test.ts.
 */
export const TEST_PROXIES = '127.0.0.1, ::1, ::ffff:127.0.0.1';

/** A bureau admin's Fabric identity from the network's files, as the registrar of its bureau's CA. */
export function bureauRegistrar(config: ReturnType<typeof testConfig>, mspId: string): Registrar {
  const org = config.connection.orgs.find((o) => o.mspId === mspId)!;
  return {
    username: org.admin.enrollmentId,
    mspId: org.mspId,
    certificate: fs.readFileSync(org.admin.certFile, 'utf8'),
    privateKeyPem: fs.readFileSync(org.admin.keyFile, 'utf8'),
  };
}

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    LUOHU_NETWORK_DIR: suiteNetworkDir,
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    LUOHU_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TRUSTED_PROXIES: TEST_PROXIES,
    ...overrides,
  });
}

/** The operator's credential for /readyz and /metrics (the installation's generated token). */
export const operatorAuth = () => ({ authorization: `Bearer ${testConfig().operatorToken}` });

export type TestGateway = Awaited<ReturnType<typeof createServer>> & { url: string };

let shared: Promise<TestGateway> | undefined;

/** One in-process gateway for the whole run (port 0), on the suite's network and database. */
export function gatewayUnderTest(): Promise<TestGateway> {
  shared ??= startGateway();
  return shared;
}

/** `prepare` runs before the gateway starts (its projector included): to set test hooks that must see the first event. */
export async function startGateway(
  overrides: Record<string, string> = {},
  prepare?: (g: Awaited<ReturnType<typeof createServer>>) => void,
): Promise<TestGateway> {
  await loadCalendar();
  const config = testConfig(overrides);
  const gateway = await createServer(config, createLogger(config.logLevel));
  prepare?.(gateway);
  const address = (await gateway.start()) as AddressInfo;
  return Object.assign(gateway, { url: `http://127.0.0.1:${address.port}` });
}

export async function stopSharedGateway(): Promise<void> {
  if (shared) await (await shared).stop();
  shared = undefined;
}

/** The gateway's API as people's devices use it: a key holder's writes are signed (support/signing-agent.ts). */
export const api = (g: TestGateway) => signingAgent(g.server);
/** The API without the signing: a key holder's write answers with its first signature request. */
export const rawApi = (g: TestGateway) => request(g.server);

export async function login(g: TestGateway, username: string, password: string): Promise<string> {
  const res = await api(g).post('/v1/sessions').send({ username, password });
  if (res.status !== 201) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/**
 * One session per bureau admin and gateway: tests register users in parallel, and sign-in throttling rightly counts
 * a burst of parallel sign-ins of one account as guesses.
 */
const adminSessions = new WeakMap<TestGateway, Map<string, Promise<string>>>();
export function adminToken(g: TestGateway, org: string): Promise<string> {
  let sessions = adminSessions.get(g);
  if (!sessions) adminSessions.set(g, (sessions = new Map()));
  let token = sessions.get(org);
  if (!token) {
    token = login(g, `admin.${org}`, ADMIN_PASSWORD);
    token.catch(() => sessions!.delete(org));
    sessions.set(org, token);
  }
  return token;
}

/**
 * A user under test: a person holding their own key (`client`, the default) or a custodial user with a `password`; a
 * contractor's or owner's company (its registry id) and the application files it has uploaded, by kind.
 */
export interface TestUser {
  username: string;
  token: string;
  role: Role;
  org: string;
  password?: string;
  client?: SigningClient;
  company?: string;
  files?: Record<string, string>;
}

/** A custodial user: the gateway holds the key, and the user signs in with the password. */
export type CustodialTestUser = TestUser & { password: string };

const BUREAU_OF: Partial<Record<Role, string>> = { finance: 'finance', auditor: 'audit' };
/** Roles registered with a department, and the one they get by default: their bureau's own. */
const NEEDS_DEPT: readonly Role[] = ['clerk', 'reviewer', 'director', 'inspector'];
const BUREAU_DEPT: Record<string, string> = { housing: 'housing', finance: 'finance', audit: 'audit' };
/** Every kind of file some project type requires: a test applicant has uploaded one of each. */
export const APPLICATION_FILE_KINDS = [
  'application_form',
  'budget_estimate',
  'feasibility_study',
  'land_use_permit',
  'traffic_impact_assessment',
  'construction_drawings',
  'environmental_impact_assessment',
];

/**
 * A fresh user of a role, registered by their bureau's admin through the API (so with a CA-issued certificate). People
 * hold their own key by default, as in production: registered without a password, the one-time code enrolls a key made
 * here, and `api(g)` signs their writes; `custody: 'gateway'` makes a custodial user with a password instead (a test of
 * passwords, or of what the ledger refuses custodial identities).
 * A contractor or owner gets a company of its own (registered and qualified for every project type by the Housing
 * admin) unless one is given, and uploads one file of each application kind.
 */
export async function newUser(
  g: TestGateway,
  role: Role,
  options: { dept?: string; org?: string; company?: string; custody: 'gateway' },
): Promise<CustodialTestUser>;
export async function newUser(
  g: TestGateway,
  role: Role,
  options?: { dept?: string; org?: string; company?: string; custody?: 'own' },
): Promise<TestUser>;
export async function newUser(
  g: TestGateway,
  role: Role,
  options: { dept?: string; org?: string; company?: string; custody?: 'own' | 'gateway' } = {},
): Promise<TestUser> {
  const org = options.org ?? BUREAU_OF[role] ?? 'housing';
  // An admin under test gets a session of its own (a test may sign it out); registrations share one per bureau.
  if (role === 'admin')
    return {
      username: `admin.${org}`,
      token: await login(g, `admin.${org}`, ADMIN_PASSWORD),
      role,
      org,
      password: ADMIN_PASSWORD,
    };
  if (role === 'device')
    throw new Error(
      'a device has no password and no session: use newDevice or registerDevice (monitoring-fixtures.ts)',
    );
  const admin = await adminToken(g, org);
  const username = `${role}-${crypto.randomUUID().slice(0, 12)}`;
  const password = options.custody === 'gateway' ? `pw-${crypto.randomUUID()}` : undefined;
  const dept = options.dept ?? (NEEDS_DEPT.includes(role) ? BUREAU_DEPT[org] : undefined);
  const applicant = role === 'contractor' || role === 'owner';
  const company = applicant ? (options.company ?? (await newCompany(g))) : undefined;
  const res = await api(g)
    .post('/v1/users')
    .set('authorization', `Bearer ${admin}`)
    .send({
      username,
      ...(password ? { password } : {}),
      role,
      displayName: `${role} under test`,
      ...(dept ? { dept } : {}),
      ...(company ? { company } : {}),
    });
  if (res.status !== 201) throw new Error(`register ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  const client = password ? undefined : await SigningClient.enroll(g.url, username, res.body.enrollment.code);
  if (client) rememberHolder(client.sessionToken, client.holder.privateKey);
  const user: TestUser = {
    username,
    token: client ? client.sessionToken : await login(g, username, password!),
    role,
    org,
    ...(password ? { password } : { client }),
    ...(company ? { company } : {}),
  };
  if (applicant)
    user.files = Object.fromEntries(
      await Promise.all(
        APPLICATION_FILE_KINDS.map(async (kind) => [kind, await uploadAs(g, user, `${company}/${username}/${kind}`)]),
      ),
    );
  return user;
}

/** A user who holds their own key: registered without a password, enrolled and signed in from here (the client library). */
export interface KeyHoldingUser {
  username: string;
  role: Role;
  org: string;
  client: SigningClient;
}

/**
 * A fresh user of a role who holds their own key: their bureau's admin registers them without a password, the answer's
 * one-time code enrolls a key made here (the gateway never sees it), and they sign in by signing a challenge.
 */
export async function newKeyHolder(
  g: TestGateway,
  role: Exclude<Role, 'device' | 'admin'>,
  options: { dept?: string; org?: string } = {},
): Promise<KeyHoldingUser & { company?: string }> {
  const org = options.org ?? BUREAU_OF[role] ?? 'housing';
  const username = `${role}-${crypto.randomUUID().slice(0, 12)}`;
  const dept = options.dept ?? (NEEDS_DEPT.includes(role) ? BUREAU_DEPT[org] : undefined);
  const company = role === 'contractor' || role === 'owner' ? await newCompany(g) : undefined;
  const res = await api(g)
    .post('/v1/users')
    .set('authorization', `Bearer ${await adminToken(g, org)}`)
    .send({
      username,
      role,
      displayName: `${role} holding their own key`,
      ...(dept ? { dept } : {}),
      ...(company ? { company } : {}),
    });
  if (res.status !== 201) throw new Error(`register ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    username,
    role,
    org,
    client: await SigningClient.enroll(g.url, username, res.body.enrollment.code),
    ...(company ? { company } : {}),
  };
}

/** A valid, random 统一社会信用代码 (the ledger checks the GB 32100-2015 check character and refuses duplicates). */
export function creditCode(): string {
  const first17 = `9144030${Array.from(crypto.randomBytes(10), (b) => CREDIT_CODE_ALPHABET[b % 31]).join('')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** A company on the ledger's registry with a grade-1 qualification for every project type (Housing admin). */
export async function newCompany(g: TestGateway): Promise<string> {
  const admin = { authorization: `Bearer ${await adminToken(g, 'housing')}` };
  const id = uniqueId('C');
  const reg = await api(g)
    .post('/v1/contractors')
    .set(admin)
    .send({ id, name: `测试建设工程有限公司 ${id}`, creditCode: creditCode() });
  if (reg.status !== 201) throw new Error(`register company ${id}: ${reg.status} ${JSON.stringify(reg.body)}`);
  const scope = ['building', 'road', 'bridge', 'water', 'drainage', 'landscape', 'renovation'];
  const q = await api(g)
    .post(`/v1/contractors/${id}/qualifications`)
    .set(admin)
    .send({ licenceNo: `L-${id}`, grade: 'grade1', scope, expiry: '2099-12-31' });
  if (q.status !== 201) throw new Error(`qualify company ${id}: ${q.status} ${JSON.stringify(q.body)}`);
  return id;
}

/** Uploads `text` as a PDF-named file as `user`; returns its SHA-256 (a contractor's upload is anchored for its company). */
export async function uploadAs(g: TestGateway, user: TestUser, text: string): Promise<string> {
  const res = await api(g)
    .post('/v1/uploads')
    .set(bearer(user))
    .attach('file', Buffer.from(text), { filename: 'file.pdf', contentType: 'application/pdf' });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`upload as ${user.username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.sha256;
}

export const bearer = (u: TestUser) => ({ authorization: `Bearer ${u.token}` });

export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export const randomHash = () => crypto.randomBytes(32).toString('hex');
export const uniqueId = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 13)}`;
