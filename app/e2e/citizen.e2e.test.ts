/// <reference lib="dom" />
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { api, bearer, gatewayUnderTest, newUser, rawApi, TestGateway } from '../../gateway/test/support/gateway';
import { expectAccessible, launchChromium, screenshot } from './browser';

/** Issue 13, the citizen's journey on a phone (390×844, no sign-in): complain, get a number, see the answer, rate it. */
describe('web app: a citizen complains from a phone, and rates the answer (Chromium, 390×844)', function () {
  this.timeout(180_000);
  let g: TestGateway;
  let browser: Browser;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('when a citizen files a complaint, then they get a tracking number and token; once answered they see the answer and rate it, and the rating is on the ledger', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      isMobile: true,
      hasTouch: true,
      // Each test's citizen comes from an address of their own (the gateway limits complaints per address).
      extraHTTPHeaders: {
        'x-forwarded-for': `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      },
    });
    const page = await context.newPage();
    try {
      await page.goto(`${g.url}/public`);
      await page.getByText('附近的项目').waitFor();
      // FixMyStreet's way: the citizen taps the map where the problem is; the complaint carries that place.
      const place = page.getByTestId('complaint-place');
      const centre = await place.textContent();
      const map = page.getByRole('application', { name: /罗湖区地图/ });
      // By keyboard: the map takes focus, and Enter picks its centre.
      await map.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid=complaint-place]')?.textContent !== text,
        centre,
      );
      const byKeyboard = await place.textContent();
      const box = (await map.boundingBox())!;
      await map.click({ position: { x: box.width * 0.62, y: box.height * 0.4 } });
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid=complaint-place]')?.textContent !== text,
        byKeyboard,
      );
      const [lat, lng] = (/（([\d.]+), ([\d.]+)）/.exec((await place.textContent())!) ?? []).slice(1).map(Number);
      expect([lat, lng].every(Number.isFinite), 'the pinned place is shown').to.equal(true);
      await page.getByLabel('问题描述').fill('工地夜间施工噪音很大，影响居民休息');
      await page.getByLabel('地点').fill('罗湖区东门街道');
      const photo = Buffer.concat([
        Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
        Buffer.from(`工地夜间 ${Date.now()}`),
        Buffer.from([0xff, 0xd9]),
      ]);
      await page.getByLabel(/^照片/).setInputFiles({ name: '夜间施工.jpg', mimeType: 'image/jpeg', buffer: photo });
      await screenshot(page, 'public-complain');
      await expectAccessible(page);
      await page.getByRole('button', { name: '提交投诉' }).click();
      const received = page.getByText(/已受理，编号 /);
      await received.waitFor();
      const id = /编号 (\S+)/.exec((await received.textContent()) ?? '')![1];
      await screenshot(page, 'public-filed');

      const [director, unitClerk] = await Promise.all([
        newUser(g, 'director'),
        newUser(g, 'clerk', { dept: 'labour' }),
      ]);
      const stored = (await api(g).get(`/v1/complaints/${id}`).set(bearer(director)).expect(200)).body;
      // The photo is the complaint's, kept as sent and served as an image.
      const shown = await rawApi(g).get(new URL(stored.content.media_url).pathname);
      expect([shown.status, shown.headers['content-type'], shown.body.length]).to.deep.equal([
        200,
        'image/jpeg',
        photo.length,
      ]);
      expect(stored.content.lat).to.be.closeTo(lat, 0.00006);
      expect(stored.content.long).to.be.closeTo(lng, 0.00006);
      await api(g)
        .post(`/v1/complaints/${id}/dispatch`)
        .set(bearer(director))
        .send({ unit: 'labour', workingDays: 2 })
        .expect(201);
      await api(g).post(`/v1/complaints/${id}/start`).set(bearer(unitClerk)).expect(201);
      await api(g)
        .post(`/v1/complaints/${id}/answer`)
        .set(bearer(unitClerk))
        .send({ answer: '已责令施工单位停止夜间施工，并将加强巡查。' })
        .expect(201);

      await page.getByRole('link', { name: '跟踪处理进度' }).click();
      await page.getByText('已责令施工单位停止夜间施工，并将加强巡查。').waitFor({ timeout: 15_000 });
      await page.getByRole('radio').nth(3).click(); // four stars
      await screenshot(page, 'public-tracking');
      await expectAccessible(page);
      await page.getByRole('button', { name: '提交评价' }).click();
      await page.getByText('评价', { exact: true }).waitFor();
      const rated = (await api(g).get(`/v1/complaints/${id}?source=ledger`).set(bearer(director)).expect(200)).body;
      expect(rated.rating.score).to.equal(4);
    } finally {
      await context.close();
    }
  });
});
