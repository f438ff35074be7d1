/// <reference lib="dom" />
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { gatewayUnderTest, type TestGateway } from '../../gateway/test/support/gateway';
import { enrollInBrowser, expectAccessible, launchChromium, registeredPerson, screenshot } from './browser';

/** Issue 13, the leaders' dashboard (领导驾驶舱): the director opens it from the menu and reads each figure's definition. */
describe('web app: the director’s dashboard (Chromium)', function () {
  this.timeout(180_000);
  let g: TestGateway;
  let browser: Browser;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('when the director opens the dashboard, then every figure is shown with its definition, and the ten subdistricts are listed', async () => {
    const director = await registeredPerson(g, 'director', { dept: 'housing', displayName: '陈静' });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await enrollInBrowser(page, g.url, director);
      await page.getByRole('link', { name: '领导驾驶舱' }).click();
      await page.getByText('审批用时（中位数）').waitFor({ timeout: 15_000 });
      for (const title of ['合同履约率', '无验收即拨付', '投诉响应用时（中位数）', '群众满意率', '部门审查按时率'])
        expect(await page.getByText(title, { exact: true }).count(), title).to.equal(1);
      // The definition is the figure's description: on hover, and for a screen reader or a keyboard user on focus.
      const card = page.locator('[data-figure="approvalTime"]');
      expect(await page.locator('#approvalTime-definition').textContent()).to.contain('补正期间停止计时');
      await card.focus();
      await page
        .getByRole('tooltip')
        .getByText(/补正期间停止计时/)
        .waitFor();
      for (const name of ['桂园街道', '清水河街道', '莲塘街道']) await page.getByRole('cell', { name }).waitFor();
      await page.mouse.move(0, 0);
      await card.blur(); // nothing focused or hovered: no tooltip over the page
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('[role=tooltip]')).every((e) => !(e as HTMLElement).checkVisibility()),
      );
      await screenshot(page, 'dashboard');
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });
});
