/// <reference lib="dom" />
import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { EvidenceVerifier } from '../../gateway/src/evidence/verify';
import { approvedProject, committed, contractBody, fundsCast } from '../../gateway/test/funds-fixtures';
import {
  adminToken,
  api,
  bearer,
  gatewayUnderTest,
  rawApi,
  uniqueId,
  type TestGateway,
} from '../../gateway/test/support/gateway';
import { enrollInBrowser, expectAccessible, launchChromium, screenshot } from './browser';

/**
 * Issue 13, the auditor's journey: find a payout by its transaction ID, read the transaction as Hyperledger Explorer
 * shows it, download the payout's evidence bundle, and the offline verifier accepts it.
 */
describe('web app: an auditor finds a payout by its transaction ID and verifies its evidence offline (Chromium)', function () {
  this.timeout(240_000);
  let g: TestGateway;
  let browser: Browser;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('when the auditor searches the transaction ID, then the transaction, its block and the bundle the verifier accepts are there', async () => {
    const cast = await fundsCast(g);
    const { projectId, contractorId } = await approvedProject(g, cast, undefined as never);
    const body = contractBody(projectId, contractorId, [{ id: 'M1', amount: 20_000_000 }]);
    await committed(g, api(g).post('/v1/contracts').set(bearer(cast.clerk)).send(body));
    await committed(
      g,
      api(g).post(`/v1/contracts/${body.id}/milestones/M1/acceptance`).set(bearer(cast.inspector)).send({}),
    );
    const payoutId = uniqueId('PO');
    const requested = await committed(
      g,
      api(g)
        .post('/v1/payouts')
        .set(bearer(cast.finance))
        .send({ id: payoutId, contractId: body.id, milestoneId: 'M1', amount: 19_400_000 }), // 3 % retained
    );
    const { transactionId, blockNumber } = requested.body.receipt;

    const username = `auditor-${crypto.randomUUID().slice(0, 8)}`;
    const registered = await rawApi(g)
      .post('/v1/users')
      .set('authorization', `Bearer ${await adminToken(g, 'audit')}`)
      .send({ username, role: 'auditor', dept: 'audit', displayName: '何平' })
      .expect(201);
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    try {
      await enrollInBrowser(page, g.url, { username, code: registered.body.enrollment.code });
      await page.getByLabel('交易 ID、区块号、记录键或项目编号').fill(transactionId);
      await page.getByRole('button', { name: '查询' }).click();
      await page.getByText('VALID').first().waitFor({ timeout: 30_000 });
      await page.getByText(`payout/${payoutId}`).waitFor();
      await page
        .getByText(/FinanceMSP · finance · 本人持有密钥/)
        .first()
        .waitFor(); // who signed, and who held the key
      await screenshot(page, 'audit-transaction');
      await expectAccessible(page);

      const row = page.getByRole('row', { name: new RegExp(`payout/${payoutId}`) });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        row.getByRole('button', { name: '下载证据包' }).click(),
      ]);
      const bundle = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
      const report = new EvidenceVerifier().verify(bundle);
      expect(report.ok, JSON.stringify(report.steps.filter((s) => s.status !== 'passed'))).to.equal(true);

      // The payout's full history: this transaction's receipt among its versions.
      await row.getByRole('link', { name: '查看记录历史' }).click();
      await page.getByText(`记录 payout/${payoutId} 的历史`).waitFor();
      await page.getByRole('link', { name: `交易 ${transactionId}` }).waitFor();
      await screenshot(page, 'audit-payout-history');
      await expectAccessible(page);
      await page.goBack();

      await page.getByRole('link', { name: blockNumber, exact: true }).click();
      await page.getByRole('link', { name: new RegExp(transactionId.slice(0, 16)) }).waitFor();
      await screenshot(page, 'audit-block');
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });
});
