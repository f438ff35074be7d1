/// <reference lib="dom" />
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { approvedProject, committed, contractBody, fundsCast } from '../../gateway/test/funds-fixtures';
import {
  adminToken,
  api,
  bearer,
  gatewayUnderTest,
  rawApi,
  type TestGateway,
} from '../../gateway/test/support/gateway';
import { enrollInBrowser, expectAccessible, launchChromium, screenshot } from './browser';

/**
 * Issue 13, the funds journey in the browser: the inspector accepts a milestone → the finance office requests a payout
 * (an over-cap request first: refused in the dialog, what was typed kept) → Housing's director approves → the finance
 * office sends it to the bank → the bank's confirmation shows on the finance page. Each act signed on its own device.
 */
describe('web app: inspector accepts, finance requests, Housing approves, the bank confirms (Chromium)', function () {
  this.timeout(300_000);
  let g: TestGateway;
  let browser: Browser;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  /** A person of a bureau, registered by that bureau's admin, enrolled and signed in on a browser of their own. */
  const person = async (org: 'housing' | 'finance', role: string, dept: string, name: string): Promise<Page> => {
    const username = `${role}-${crypto.randomUUID().slice(0, 8)}`;
    const res = await rawApi(g)
      .post('/v1/users')
      .set('authorization', `Bearer ${await adminToken(g, org)}`)
      .send({ username, role, dept, displayName: name })
      .expect(201);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await enrollInBrowser(page, g.url, { username, code: res.body.enrollment.code });
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    return page;
  };
  const receipt = (page: Page) =>
    page.getByText(/已办理：交易 [0-9a-f]{12}，区块 \d+，由您本人签名/).waitFor({ timeout: 60_000 });

  it('when each bureau acts in its own browser, then the payout is paid and the page shows why it was allowed and the bank’s confirmation', async () => {
    const cast = await fundsCast(g);
    const { projectId, contractorId } = await approvedProject(g, cast, undefined as never);
    const body = contractBody(projectId, contractorId, [
      { id: 'M1', amount: 30_000_000 },
      { id: 'M2', amount: 70_000_000 },
    ]);
    await committed(g, api(g).post('/v1/contracts').set(bearer(cast.clerk)).send(body));
    await committed(
      g,
      api(g)
        .post(`/v1/contracts/${body.id}/change-orders`)
        .set(bearer(cast.clerk))
        .send({ id: 'CO1', reason: '设计变更：减少绿化面积', changes: [{ milestoneId: 'M2', amount: 69_000_000 }] }),
    );
    // Each finds the contract by its number (the list holds every contract, however many the network has).
    const contractLink = async (page: Page) => {
      await page.getByLabel('按合同编号、名称、项目或施工单位查找').fill(body.id);
      return page.getByRole('link', { name: new RegExp(body.id) }).first();
    };

    const inspector = await person('housing', 'inspector', 'quality_station', '刘洋');
    await inspector.getByRole('link', { name: '质量安全监督' }).click();
    await (await contractLink(inspector)).click();
    // Progress planned against actual, reported by the inspector on site (the contractor and the clerk may too).
    await inspector.getByRole('row', { name: /CO1.*设计变更.*M2.*-10,000\.00 元.*待局长决定/ }).waitFor();
    await inspector.getByRole('button', { name: '报告进度' }).click();
    const reportDialog = inspector.getByRole('dialog');
    await reportDialog.getByLabel('计划进度').fill('60');
    await reportDialog.getByLabel('实际进度').fill('45');
    await reportDialog.getByRole('button', { name: '签名并提交' }).click();
    await inspector.getByRole('row', { name: /60%.*45%.*-15/ }).waitFor({ timeout: 60_000 });
    // Site photos first: hashed in the browser with progress, anchored as one Merkle batch, named by the milestone.
    await inspector.getByRole('row', { name: /M1/ }).getByRole('button', { name: '现场照片' }).click();
    const photos = ['东立面', '基坑', '钢筋'].map((name, i) => ({
      name: `${name}.jpg`,
      mimeType: 'image/jpeg',
      buffer: Buffer.from(`${body.id} site photo ${i}`),
    }));
    await inspector.getByLabel('选择照片（可多选）').setInputFiles(photos);
    await inspector.getByText('3/3 张').waitFor();
    await screenshot(inspector, 'inspection-photos');
    await expectAccessible(inspector);
    await inspector.getByRole('button', { name: '签名上链（3 张）' }).click();
    await receipt(inspector);
    await inspector.getByRole('row', { name: /M1/ }).getByText('1 批').waitFor();
    await inspector.getByRole('row', { name: /M1/ }).getByRole('button', { name: '验收通过' }).click();
    await receipt(inspector);
    await inspector
      .getByRole('row', { name: /M1/ })
      .getByText(/已验收/)
      .waitFor();
    await screenshot(inspector, 'inspection-contract');
    await expectAccessible(inspector);

    const finance = await person('finance', 'finance', 'finance', '周芳');
    await (await contractLink(finance)).click();
    await finance.getByRole('row', { name: /M1/ }).getByRole('button', { name: '申请拨付' }).click();
    const dialog = finance.getByRole('dialog');
    await dialog.getByLabel('金额（元）').fill('400000');
    await dialog.getByRole('button', { name: '签名并提交' }).click();
    await dialog.getByRole('alert').waitFor({ timeout: 60_000 }); // the gateway's refusal, next to the field
    await screenshot(finance, 'finance-request-refused');
    expect(await dialog.getByLabel('金额（元）').inputValue()).to.equal('400000.00'); // what was typed stays
    await dialog.getByLabel('金额（元）').fill('300000');
    await dialog.getByRole('button', { name: '签名并提交' }).click();
    await receipt(finance);
    const payoutRow = finance.getByRole('row', { name: /待住建局批准/ });
    await payoutRow.waitFor({ timeout: 15_000 });
    for (const rule of ['里程碑已验收', '不超过里程碑金额', '不超过合同金额减质保金', '不超过项目预算'])
      await payoutRow.getByText(`✓ ${rule}`, { exact: false }).waitFor();
    await finance.getByText(/申请 400,000.00 元 被拒/).waitFor({ timeout: 15_000 }); // the refusal is on the ledger too
    await screenshot(finance, 'finance-contract-requested');
    await expectAccessible(finance);

    const director = await person('housing', 'director', 'housing', '陈静');
    await director.getByRole('link', { name: '资金拨付' }).click();
    await (await contractLink(director)).click();
    await director.getByRole('button', { name: '批准拨付' }).click();
    await receipt(director);
    // The clerk's change order awaits the director too: approved with a reason, signed on their device.
    await director.getByRole('button', { name: '批准变更' }).click();
    await director.getByRole('dialog').getByLabel('理由').fill('绿化面积调整经设计单位确认');
    await director.getByRole('dialog').getByRole('button', { name: '签名并提交' }).click();
    await director.getByRole('row', { name: /CO1.*已批准/ }).waitFor({ timeout: 60_000 });

    // The finance page follows live: the approval arrives without a reload, then the transfer is sent.
    await finance.getByRole('button', { name: '发送银行' }).click({ timeout: 15_000 });
    await finance.getByText('已由您本人签名并提交，后续结果将自动显示').waitFor({ timeout: 60_000 });
    await finance.getByText(/已到账（/).waitFor({ timeout: 60_000 });
    await finance
      .getByText(/期限内/)
      .first()
      .waitFor();
    await screenshot(finance, 'finance-contract-paid');
    await expectAccessible(finance);

    const payouts = await api(g).get(`/v1/payouts?contractId=${body.id}`).set(bearer(cast.auditor)).expect(200);
    expect(payouts.body.items.map((p: { status: string }) => p.status)).to.deep.equal(['paid']);
    for (const page of [inspector, finance, director]) await page.context().close();
  });
});
