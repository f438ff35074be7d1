import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'chai';

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

/** axe-core over the page: no serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    grave.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    'serious or critical accessibility violations',
  ).to.deep.equal([]);
}
