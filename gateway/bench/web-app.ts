/// <reference lib="dom" />
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { enroll, HttpDevice } from '../src/device-client/device-client';
import { newKeyPair } from '../src/device-client/keys';
import { loadConfig } from '../src/config';
import { benchGateway } from './bench-projects';
import { percentile } from '../../network/bench/stats';
import { loadSettings } from '../../network/src/settings';
import { chromium } from 'playwright-core';

/**
 * `npm run bench:app` (with the system up: `npm start`): the web app's figures, printed.
 *  1. Initial JavaScript of the public page: the entry and everything index.html preloads, gzipped (goal ≤ 250 KB).
 *  2. Time to a usable public page and to a usable work queue in headless Chromium with BENCH_RECORDS (default
 *     100,000) projects in the read model: a gateway in-process on the bench database (luohu_bench, as bench:read),
 *     each page opened BENCH_LOADS (default 5) times in a fresh browser context (cold cache); goal ≤ 1.5 s each.
 *  3. Alert-to-screen latency on the running system: a device raises BENCH_ALERTS (default 20) alerts on the demo
 *     project; from each commit (the device's answer) to its row on a clerk's open work queue; p50 / p95.
 */
const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const loads = Number(process.env.BENCH_LOADS ?? 5);
const alerts = Number(process.env.BENCH_ALERTS ?? 20);
const DIST = path.join(__dirname, '..', '..', 'app', 'dist');
/** Debian's Chromium, as the browser tests use it (app/e2e/browser.ts). */
const launchChromium = () =>
  chromium.launch({
    executablePath: process.env.LUOHU_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
const say = (line: string) => process.stderr.write(`${line}\n`);
const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(0)} ms   p95 ${percentile(sorted, 95).toFixed(0)} ms   (n=${sorted.length})`;
};

/** The gzipped size of what the browser must fetch before the public page runs: the entry and its preloads. */
function initialJavaScript(): { files: string[]; gzipKb: number } {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const bytes = files.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(DIST, f))).length, 0);
  return { files, gzipKb: bytes / 1024 };
}

/**
 * Resolves in the frame where an element matching `selector` (and holding `text`, when given) is first visible: checked
 * on every animation frame, so the time is the page's, not a locator's polling interval (which backs off to 500 ms).
 */
async function shown(page: Page, selector: string, text?: string): Promise<void> {
  await page.waitForFunction(
    ([s, t]) =>
      Array.from(document.querySelectorAll(s)).some((e) => (!t || e.textContent?.includes(t)) && e.checkVisibility()),
    [selector, text] as const,
    { polling: 'raf', timeout: 30_000 },
  );
}

/** A person registered by the bureau admin and enrolled in a browser context with a key made there. */
async function enrolledClerk(browser: Browser, url: string, adminToken: string): Promise<Page> {
  const username = `bench-clerk-${crypto.randomUUID().slice(0, 8)}`;
  const res = await fetch(`${url}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ username, role: 'clerk', dept: 'housing', displayName: '基准测试' }),
  });
  if (res.status !== 201) throw new Error(`registering ${username}: ${res.status} ${await res.text()}`);
  const { enrollment } = (await res.json()) as { enrollment: { code: string } };
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })).newPage();
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('用户名').fill(username);
  await page.getByRole('button', { name: '用本设备的密钥登录' }).click();
  await page.getByLabel('一次性注册码').fill(enrollment.code);
  await page.getByRole('button', { name: '生成密钥并登录' }).click();
  await page.getByText('我的待办').waitFor({ timeout: 60_000 });
  return page;
}

async function adminSession(url: string, password: string): Promise<string> {
  const res = await fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin.housing', password }),
  });
  if (res.status !== 201) throw new Error(`admin sign-in: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** Times to usable pages with the bench read model behind an in-process gateway. */
async function pageTimes(browser: Browser): Promise<void> {
  const gateway = await benchGateway(records, true, { LUOHU_APP_DIR: DIST });
  const { url, config } = gateway;
  try {
    const publicMs: number[] = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(`${url}/public`);
      await shown(page, 'button', '提交');
      publicMs.push(Date.now() - t0);
      await context.close();
    }
    console.log(`usable public page (390×844, cold, ${records} projects)      ${stats(publicMs)}`);

    const clerk = await enrolledClerk(browser, url, await adminSession(url, config.adminPassword));
    const queueMs: number[] = [];
    for (let i = 0; i < loads; i++) {
      const t0 = Date.now();
      await clerk.goto(`${url}/work`); // the session is restored from this tab's storage, the queue read afresh
      await shown(clerk, 'tr[data-row-key^="BENCH-"]').catch(async (err: Error) => {
        await clerk.screenshot({ path: '/tmp/bench-work-queue.png' });
        throw err;
      });
      queueMs.push(Date.now() - t0);
    }
    console.log(`usable work queue (1440×900, reload, ${records} projects)     ${stats(queueMs)}`);
    await clerk.context().close();
  } finally {
    await gateway.stop();
  }
}

/** From a device's committed alert to its row on a clerk's open work queue, on the running system. */
async function alertToScreen(browser: Browser): Promise<void> {
  const settings = loadSettings();
  const config = loadConfig({ ...process.env, LUOHU_NETWORK_DIR: settings.runDir });
  const url = `http://127.0.0.1:${settings.basePort + 80}`;
  const admin = await adminSession(url, config.adminPassword);
  const username = `bench-cam-${crypto.randomUUID().slice(0, 8)}`;
  const registered = await fetch(`${url}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ username, role: 'device', displayName: '基准测试摄像头' }),
  });
  if (registered.status !== 201) throw new Error(`registering the device: ${registered.status}`);
  const { enrollment } = (await registered.json()) as { enrollment: { code: string } };
  const keys = await newKeyPair();
  const device = new HttpDevice(url, {
    username,
    certificate: await enroll(url, username, enrollment.code, keys),
    privateKey: keys.privateKey,
  });
  const clerk = await enrolledClerk(browser, url, admin);
  await clerk.getByText('实时更新中').waitFor({ timeout: 30_000 });
  const ms: number[] = [];
  for (let i = 0; i < alerts; i++) {
    const id = `SA-BENCH-${crypto.randomUUID().slice(0, 12)}`;
    await device.raise({
      id,
      projectId: process.env.BENCH_PROJECT ?? 'P-DEMO-DONGMEN',
      deviceId: username,
      alertType: 'no_helmet',
      observedAt: new Date().toISOString(),
      location: { site: '基准测试工地', zone: '1号区' },
      evidenceSha256: crypto.randomBytes(32).toString('hex'),
    });
    const committed = Date.now();
    await clerk.locator(`tr[data-row-key="${id}"]`).waitFor({ timeout: 30_000 });
    ms.push(Date.now() - committed);
  }
  console.log(`alert to screen (device's commit → clerk's work queue)           ${stats(ms)}`);
  await clerk.context().close();
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIST, 'index.html')))
    throw new Error('app/dist is missing: npm run build -w @luohu/app');
  const initial = initialJavaScript();
  console.log(
    `initial JavaScript of the public page: ${initial.gzipKb.toFixed(1)} KB gzipped (${initial.files.length} files; goal ≤ 250 KB)`,
  );
  const browser = await launchChromium();
  try {
    say(`page times with ${records} projects in the bench read model…`);
    await pageTimes(browser);
    say(`alert-to-screen latency on the running system (${alerts} alerts)…`);
    await alertToScreen(browser);
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
