/// <reference lib="dom" />
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { HttpDevice } from '../../gateway/src/device-client/device-client';
import { alertOf, closeFixtures, newDevice, newProject } from '../../gateway/test/monitoring-fixtures';
import { api, bearer, gatewayUnderTest, newUser, type TestGateway } from '../../gateway/test/support/gateway';
import { enrollInBrowser, expectAccessible, launchChromium, registeredPerson, screenshot } from './browser';

/**
 * Issue 13, live: a camera's alert reaches the clerk's open work queue and pops up, without a reload; the clerk
 * acknowledges and resolves it there. A citizen's complaint is dispatched by the office and answered by the unit,
 * each from their own work queue in the browser.
 */
describe('web app: the clerk’s work queue is live — alerts and complaints (Chromium)', function () {
  this.timeout(240_000);
  let g: TestGateway;
  let browser: Browser;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await closeFixtures();
  });

  const signedInClerk = async (dept: string, name: string): Promise<{ page: Page; username: string }> => {
    const person = await registeredPerson(g, 'clerk', { dept, displayName: name });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await enrollInBrowser(page, g.url, person);
    await page.getByText('我的待办').waitFor();
    await page.getByText('实时更新中').waitFor({ timeout: 30_000 }); // the socket is connected and caught up
    return { page, username: person.username };
  };

  it('when a device raises an alert, then it shows on the open work queue within 2 s with a notification, and the clerk acknowledges and resolves it', async () => {
    const contractor = await newUser(g, 'contractor');
    const [device, projectId] = await Promise.all([newDevice(g), newProject(g, contractor)]);
    const { page, username: clerkName } = await signedInClerk('housing', '王敏');
    try {
      const alert = alertOf(device.username, projectId, { alertType: 'fire_smoke' });
      await new HttpDevice(g.url, device).raise(alert); // answered once committed
      const committed = Date.now();
      const row = page.getByRole('row', { name: new RegExp(`烟火 ${projectId}`) });
      await Promise.all([
        row.waitFor({ timeout: 10_000 }),
        page.getByText('新的安全告警').waitFor({ timeout: 10_000 }),
      ]);
      const onScreen = Date.now() - committed;
      await screenshot(page, 'work-queue-live-alert');
      expect(onScreen, 'ms from the device’s commit to the clerk’s screen').to.be.below(2_000);
      expect(await row.getByText('烟火').count()).to.equal(1);

      await row.getByRole('button', { name: '确认告警' }).click();
      await row.getByRole('button', { name: '处置完毕' }).waitFor({ timeout: 15_000 });
      await row.getByRole('button', { name: '处置完毕' }).click();
      await page.getByLabel('处置情况').fill('已责令停工整改，现场明火已扑灭。');
      await page.getByRole('button', { name: '签名并提交' }).click();
      await row.waitFor({ state: 'detached', timeout: 15_000 });
      await expectAccessible(page);

      const auditor = await newUser(g, 'auditor');
      const stored = await api(g).get(`/v1/alerts/${alert.id}?source=ledger`).set(bearer(auditor)).expect(200);
      expect(stored.body.status).to.equal('resolved');
      expect(JSON.stringify(stored.body.resolvedBy)).to.contain(clerkName);
    } finally {
      await page.context().close();
    }
  });

  it('when a citizen complains, then the dispatch office dispatches it to a unit and the unit’s clerk starts and answers it, each from their work queue', async () => {
    const filed = await api(g)
      .post('/v1/open311/requests')
      .set('X-Forwarded-For', '10.13.0.7')
      .send({
        description: '工地围挡倒塌占用人行道，行人只能走机动车道',
        address_string: '罗湖区黄贝街道',
        service_code: 'safety',
      })
      .expect(201);
    const id: string = filed.body[0].service_request_id;
    const office = await signedInClerk('housing', '李娜');
    const unit = await signedInClerk('safety_station', '周勇');
    try {
      // The office finds it by its tracking number, as when the citizen calls.
      await office.page.getByLabel('按编号或内容查找').fill(id);
      const row = office.page.getByRole('row', { name: new RegExp(id) });
      await row.waitFor({ timeout: 15_000 });
      await screenshot(office.page, 'work-queue-complaints');
      await row.getByRole('button', { name: '派单' }).click();
      await office.page.getByLabel('承办单位').click();
      await office.page.getByTitle('安全监督站').click();
      await office.page.getByRole('button', { name: '签名并提交' }).click();
      await row.waitFor({ state: 'detached', timeout: 15_000 }); // no longer the office's to act on

      await unit.page.getByLabel('按编号或内容查找').fill(id);
      const unitRow = unit.page.getByRole('row', { name: new RegExp(id) });
      await unitRow.getByRole('button', { name: '开始办理' }).click({ timeout: 15_000 });
      await unitRow.getByRole('button', { name: '答复' }).click({ timeout: 15_000 });
      await unit.page.getByLabel('答复内容').fill('已责令施工单位当天修复围挡并恢复人行通道。');
      await unit.page.getByRole('button', { name: '签名并提交' }).click();
      await unitRow.getByRole('button', { name: '办结' }).waitFor({ timeout: 15_000 });
      await expectAccessible(unit.page);

      const auditor = await newUser(g, 'auditor');
      const stored = await api(g).get(`/v1/complaints/${id}`).set(bearer(auditor)).expect(200);
      expect(stored.body).to.include({ status: 'answered', assignedUnit: 'safety_station' });
    } finally {
      await office.page.context().close();
      await unit.page.context().close();
    }
  });
});
