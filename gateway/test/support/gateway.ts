import type { AddressInfo } from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/platform/logger';
import { createServer } from '../../src/server';
import { loadCalendar } from '../../src/shared/working-days';
import type { Role } from '../../src/identity/models';

/** The suite's network (see network/test/support/suite-network.ts): the gateway under test reads its connection description. */
export const suiteNetworkDir = process.env.LUOHU_TEST_NETWORK_DIR ?? path.resolve(__dirname, '..', '..', '..', 'network', '.run', 'test');
export const ADMIN_PASSWORD = 'luohu-admin-test-only';

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: 'test', LUOHU_NETWORK_DIR: suiteNetworkDir, PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', LUOHU_ADMIN_PASSWORD: ADMIN_PASSWORD, ...overrides });
}

export type TestGateway = Awaited<ReturnType<typeof createServer>> & { url: string };

let shared: Promise<TestGateway> | undefined;

/** One in-process gateway for the whole run (port 0), on the suite's network and database. */
export function gatewayUnderTest(): Promise<TestGateway> {
  shared ??= startGateway();
  return shared;
}

export async function startGateway(overrides: Record<string, string> = {}): Promise<TestGateway> {
  await loadCalendar();
  const config = testConfig(overrides);
  const gateway = await createServer(config, createLogger(config.logLevel));
  const address = (await gateway.start()) as AddressInfo;
  return Object.assign(gateway, { url: `http://127.0.0.1:${address.port}` });
}

export async function stopSharedGateway(): Promise<void> {
  if (shared) await (await shared).stop();
  shared = undefined;
}

export const api = (g: TestGateway) => request(g.server);

export async function login(g: TestGateway, username: string, password: string): Promise<string> {
  const res = await api(g).post('/v1/sessions').send({ username, password });
  if (res.status !== 201) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

export interface TestUser { username: string; token: string; role: Role; org: string }

const BUREAU_OF: Partial<Record<Role, string>> = { finance: 'finance', auditor: 'audit' };

/** A fresh user of a role, registered by their bureau's admin through the API (so with a CA-issued certificate). */
export async function newUser(g: TestGateway, role: Role, options: { dept?: string; org?: string; company?: string } = {}): Promise<TestUser> {
  const org = options.org ?? BUREAU_OF[role] ?? 'housing';
  const admin = await login(g, `admin.${org}`, ADMIN_PASSWORD);
  if (role === 'admin') return { username: `admin.${org}`, token: admin, role, org };
  const username = `${role}-${crypto.randomUUID().slice(0, 12)}`;
  const password = `pw-${crypto.randomUUID()}`;
  const res = await api(g).post('/v1/users').set('authorization', `Bearer ${admin}`).send({ username, password, role, displayName: `${role} under test`, ...(options.dept ? { dept: options.dept } : {}), ...(options.company ? { company: options.company } : {}) });
  if (res.status !== 201) throw new Error(`register ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  return { username, token: await login(g, username, password), role, org };
}

export const bearer = (u: TestUser) => ({ authorization: `Bearer ${u.token}` });

export async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export const randomHash = () => crypto.randomBytes(32).toString('hex');
export const uniqueId = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 13)}`;
