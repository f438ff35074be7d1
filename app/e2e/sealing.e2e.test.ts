/// <reference lib="dom" />
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { approvedProject, fundsCast } from '../../gateway/test/funds-fixtures';
import {
  adminToken,
  api,
  bearer,
  gatewayUnderTest,
  rawApi,
  type TestGateway,
} from '../../gateway/test/support/gateway';
import { enrollInBrowser, expectAccessible, launchChromium, registeredPerson, screenshot } from './browser';

/**
 * Issue 13: the approval decision (审批决定书) is sealed in the browser — the clerk seals, a reviewer signs, the director
 * issues — each with the key on their own device (the PDF's CMS signature and the anchoring both signed there); the
 * page shows the PDF with its seals and the ledger receipt.
 */
describe('web app: the approval decision is sealed, signed and issued in the browser (Chromium)', function () {
  this.timeout(300_000);
  let g: TestGateway;
  let browser: Browser;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  /** A Housing person with a registered seal, signed in on their own browser, on the project's page. */
  const signer = async (role: string, name: string, projectId: string): Promise<Page> => {
    const person = await registeredPerson(g, role, { dept: 'housing', displayName: name });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await enrollInBrowser(page, g.url, person);
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    const seal = await rawApi(g)
      .post('/v1/seal-certificates')
      .set('authorization', `Bearer ${await adminToken(g, 'housing')}`)
      .send({ holder: person.username, label: `${name} 电子印章` });
    expect(seal.status, JSON.stringify(seal.body)).to.equal(201);
    await page.goto(`${g.url}/projects/${projectId}`);
    if (role === 'clerk') await page.getByRole('button', { name: '生成审批决定书' }).click();
    return page;
  };

  const signAs = async (page: Page, button: string, status: string) => {
    await page.getByRole('button', { name: button }).click();
    await page.getByText(/已办理：交易 [0-9a-f]{12}，区块 \d+，由您本人签名/).waitFor({ timeout: 60_000 });
    await page.getByText(status, { exact: true }).waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="pdf-preview"][data-drawn="true"]').waitFor({ timeout: 30_000 });
  };

  it('when the clerk, a reviewer and the director each sign on their device, then the decision is final, the PDF shows three seals, and each signature is theirs', async () => {
    const cast = await fundsCast(g);
    const { projectId } = await approvedProject(g, cast, undefined as never);

    const clerk = await signer('clerk', '王敏', projectId);
    await signAs(clerk, '用我的密钥盖章', '已盖章');
    await screenshot(clerk, 'project-sealed');
    await expectAccessible(clerk);

    const reviewer = await signer('reviewer', '李强', projectId);
    await signAs(reviewer, '用我的密钥审核签字', '已审核');

    const director = await signer('director', '陈静', projectId);
    await signAs(director, '用我的密钥签发', '已签发');
    const pages = await director.locator('[data-testid="pdf-preview"] canvas').count();
    expect(pages).to.be.greaterThan(0);
    await screenshot(director, 'project-issued');
    await expectAccessible(director);

    const document = await api(g)
      .post('/v1/sealed-documents')
      .set(bearer(cast.clerk))
      .send({ type: 'approval_decision', projectId })
      .expect(200);
    expect(document.body).to.include({ status: 'final', signatures: 3 });
    for (const page of [clerk, reviewer, director]) await page.context().close();
  });
});
