/// <reference lib="dom" />
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { approvedProject, committed, contractBody, fundsCast, type FundsCast } from '../../gateway/test/funds-fixtures';
import { api, bearer, gatewayUnderTest, newUser, rawApi, type TestGateway } from '../../gateway/test/support/gateway';
import { expectAccessible, launchChromium, screenshot } from './browser';

/** Issue 13, the public pages on a phone (390×844, no sign-in): a project's site board, and a sealed document's QR code. */
describe("web app: a project's public page and a document's QR code, on a phone (Chromium, 390×844)", function () {
  this.timeout(240_000);
  let g: TestGateway;
  let browser: Browser;
  let cast: FundsCast;
  let phone: BrowserContext;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
    cast = await fundsCast(g);
    phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      isMobile: true,
      hasTouch: true,
    });
  });
  after(async () => browser?.close());

  it('when a citizen opens an approved project, then they read who builds it and its milestones, and a complaint about it starts pinned to it', async () => {
    const { projectId } = await approvedProject(g, cast, undefined as never);
    const body = contractBody(projectId, cast.contractor.company!, [
      { id: 'M1', amount: 30_000_000 },
      { id: 'M2', amount: 40_000_000 },
    ]);
    await committed(g, api(g).post('/v1/contracts').set(bearer(cast.clerk)).send(body));
    await committed(
      g,
      api(g).post(`/v1/contracts/${body.id}/milestones/M1/acceptance`).set(bearer(cast.inspector)).send({}),
    );
    const builder = (await api(g).get(`/v1/contractors/${cast.contractor.company}`).set(bearer(cast.clerk))).body.name;

    const page = await phone.newPage();
    await page.goto(`${g.url}/public/projects/${projectId}`);
    await page.getByRole('heading', { name: '翠竹街道老旧小区改造' }).waitFor();
    await page.getByText(/日 验收$/).waitFor({ timeout: 15_000 }); // M1, once the read model has the acceptance
    expect(await page.getByText(builder).count()).to.equal(1);
    expect(await page.getByText('第2阶段').count()).to.equal(1);
    expect(await page.locator('.ant-tag', { hasText: '翠竹街道' }).count()).to.equal(1);
    await page.getByRole('application', { name: /翠竹街道老旧小区改造/ }).waitFor();
    await screenshot(page, 'public-project');
    await expectAccessible(page);

    await page.getByRole('button', { name: '对这个项目投诉' }).click();
    await page.waitForURL(/\/public\?lat=/);
    expect(await page.getByTestId('complaint-place').textContent()).to.include('22.5601, 114.1302');
    await page.close();
  });

  it('when an unknown or unapproved project is opened, then the page says it is not public, not an error', async () => {
    const page = await phone.newPage();
    await page.goto(`${g.url}/public/projects/P-NOT-THERE`);
    await page.getByText('没有这个已批准的项目').waitFor();
    await page.close();
  });

  it('when a citizen scans a sealed decision’s QR code, then the browser lands on the verify page, which says it is genuine', async () => {
    const { projectId } = await approvedProject(g, cast, undefined as never);
    const admin = await newUser(g, 'admin');
    await api(g)
      .post('/v1/seal-certificates')
      .set(bearer(admin))
      .send({ holder: cast.clerk.username, label: '罗湖区住建局 窗口 签章' })
      .expect(201);
    const generated = await api(g)
      .post('/v1/sealed-documents')
      .set(bearer(cast.clerk))
      .send({ type: 'approval_decision', projectId })
      .expect(201);
    await committed(
      g,
      api(g).post(`/v1/sealed-documents/${generated.body.id}/signatures`).set(bearer(cast.clerk)).send({}),
    );

    const page = await phone.newPage();
    await page.goto(generated.body.verificationUrl.replace(/^https?:\/\/[^/]+/, g.url));
    await page.waitForURL(new RegExp(`/public/verify/${generated.body.id}$`));
    await page.getByText('真实有效').waitFor();
    expect(await page.getByText(generated.body.documentNo).count()).to.be.greaterThan(0);
    expect(await page.getByText('罗湖区住建局 窗口 签章').count()).to.equal(1);
    await screenshot(page, 'public-verify');
    await expectAccessible(page);

    await page.goto(`${g.url}/v1/v/${'0'.repeat(20)}`);
    await page.getByText('没有这个文件').waitFor();
    await page.close();
  });
  it('when a citizen tracks a complaint by its number on another device, then its page opens there, and the token given is kept for rating', async () => {
    const filed = await rawApi(g)
      .post('/v1/open311/requests')
      .set('x-forwarded-for', `10.78.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`)
      .send({ description: '人行道地砖松动，容易绊倒', address_string: '罗湖区桂园街道', lat: 22.5475, long: 114.1085 })
      .expect(201);
    const { service_request_id: id, receipt_token: token } = filed.body[0];
    const page = await phone.newPage();
    await page.goto(`${g.url}/public`);
    await page.getByLabel('投诉编号').fill(id);
    await page.getByLabel(/回执码/).fill(token);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.waitForURL(new RegExp(`/public/complaints/${id}$`));
    await page.getByText(`投诉 ${id}`).waitFor();
    const kept = await page.evaluate(() => localStorage.getItem('luohu.complaints'));
    expect(kept).to.include(token);
    await page.close();
  });
});
