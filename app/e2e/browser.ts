/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import crypto from 'node:crypto';
import { expect } from 'chai';
import { adminToken, rawApi, type TestGateway } from '../../gateway/test/support/gateway';

/** Debian's Chromium, installed by the project's setup (scripts/install.sh); never a downloaded browser build. */
export const CHROMIUM = process.env.LUOHU_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium (no GPU here); `--no-sandbox` only where the tests run as root (CI's containers). */
export function launchChromium(): Promise<Browser> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: root ? ['--no-sandbox'] : [] });
}

const SCREENSHOTS = path.join(__dirname, 'screenshots');

/** Keeps a full-page screenshot under app/e2e/screenshots/ (ignored by git): look at them before calling a page done. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * The page's API traffic and console, kept while the test runs: when a step times out, what the page asked and was
 * answered (or is still waiting for) says why — a screenshot alone shows only that it did not move on.
 */
export function recordTraffic(page: Page): () => string {
  const started = Date.now();
  const lines: string[] = [];
  const at = () => `+${((Date.now() - started) / 1000).toFixed(1)}s`;
  const pending = new Map<object, string>();
  page.on('request', (r) => {
    if (!r.url().includes('/v1/')) return;
    const line = `${r.method()} ${new URL(r.url()).pathname}`;
    pending.set(r, line);
    lines.push(`${at()} → ${line}`);
  });
  page.on('requestfinished', (r) => {
    const line = pending.get(r);
    if (!line) return;
    pending.delete(r);
    void r.response().then((res) => lines.push(`${at()} ← ${res?.status() ?? '?'} ${line}`));
  });
  page.on('requestfailed', (r) => {
    const line = pending.get(r);
    if (!line) return;
    pending.delete(r);
    lines.push(`${at()} ✗ ${line}: ${r.failure()?.errorText ?? ''}`);
  });
  page.on('console', (m) => lines.push(`${at()} console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`${at()} page error: ${e.message}`));
  return () => [...lines, ...[...pending.values()].map((l) => `still waiting: ${l}`)].join('\n');
}

/** Until no animation or transition on the page is running (at most 5 s): the page as a person sees it at rest. */
export async function animationsEnded(page: Page): Promise<void> {
  await page
    .waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, {
      timeout: 5_000,
    })
    .catch(() => undefined);
}

/** axe-core over the page: no serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  // What a person sees at rest: no pointer over a control, no transition half-way (axe blends colours mid-animation).
  const grave = async () => {
    await page.mouse.move(0, 0);
    await animationsEnded(page);
    const { violations } = await new AxeBuilder({ page }).analyze();
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  };
  // A live update can restyle a control just as axe reads it: a CI run under load once flagged the colour contrast of
  // the reconciliation's start button while its run was ending (disabled → enabled), never seen at rest. A violation
  // counts when it is still there a moment later.
  let found = await grave();
  if (found.length > 0) {
    await page.waitForTimeout(1_000);
    found = await grave();
  }
  expect(
    found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    'serious or critical accessibility violations',
  ).to.deep.equal([]);
}

/**
 * A person their bureau's admin registers without a password (so they will hold their own key): their username and
 * the one-time code the admin hands over.
 */
export async function registeredPerson(
  g: TestGateway,
  role: string,
  details: Record<string, string>,
): Promise<{ username: string; code: string }> {
  const username = `${role}-${crypto.randomUUID().slice(0, 8)}`;
  const res = await rawApi(g)
    .post('/v1/users')
    .set('authorization', `Bearer ${await adminToken(g, 'housing')}`)
    .send({ username, role, ...details })
    .expect(201);
  return { username, code: res.body.enrollment.code };
}

/**
 * A person's first sign-in on this browser: their username, then — asked for it since the device holds no key of
 * theirs — the one-time code; the browser makes the key. `whenAsked` runs while the page asks for the code.
 */
export async function enrollInBrowser(
  page: Page,
  url: string,
  person: { username: string; code: string },
  whenAsked?: () => Promise<void>,
): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('用户名').fill(person.username);
  await page.getByRole('button', { name: '用本设备的密钥登录' }).click();
  await page.getByText(`本设备上没有 ${person.username} 的密钥`).waitFor();
  await whenAsked?.();
  await page.getByLabel('一次性注册码').fill(person.code);
  await page.getByRole('button', { name: '生成密钥并登录' }).click();
}
