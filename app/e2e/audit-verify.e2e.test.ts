/// <reference lib="dom" />
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { approvedProject, fundsCast, peersInStep } from '../../gateway/test/funds-fixtures';
import {
  adminToken,
  api,
  bearer,
  eventually,
  gatewayUnderTest,
  newUser,
  randomHash,
  rawApi,
  type TestGateway,
} from '../../gateway/test/support/gateway';
import { enrollInBrowser, expectAccessible, launchChromium, screenshot } from './browser';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * Issue 13, the auditor's other tools: verify a PDF by upload (a sealed, anchored decision, and a file the ledger
 * never saw), take a checkpoint, and follow a reconciliation run to its findings as they arrive.
 */
describe('web app: an auditor verifies PDFs by upload, takes a checkpoint and follows reconciliation (Chromium)', function () {
  this.timeout(480_000);
  let g: TestGateway;
  let browser: Browser;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('when the auditor uploads a sealed decision, an unknown PDF, takes a checkpoint and reconciles, then each answer is on screen', async () => {
    // A clerk seals the approval decision of an approved project with their registered seal: an anchored, signed PDF.
    const cast = await fundsCast(g);
    const { projectId } = await approvedProject(g, cast, undefined as never);
    const admin = await newUser(g, 'admin');
    const seal = await api(g)
      .post('/v1/seal-certificates')
      .set(bearer(admin))
      .send({ holder: cast.clerk.username, label: '罗湖区住建局 经办 签章' });
    expect(seal.status, JSON.stringify(seal.body)).to.equal(201);
    const draft = await api(g)
      .post('/v1/sealed-documents')
      .set(bearer(cast.clerk))
      .send({ type: 'approval_decision', projectId });
    expect(draft.status, JSON.stringify(draft.body)).to.equal(201);
    const sealed = await api(g)
      .post(`/v1/sealed-documents/${draft.body.id}/signatures`)
      .set(bearer(cast.clerk))
      .send({});
    expect(sealed.status, JSON.stringify(sealed.body)).to.equal(201);
    const { transactionId, blockNumber } = sealed.body.receipt as { transactionId: string; blockNumber: string };
    await peersInStep(g);
    const file = await api(g)
      .get(`/v1/uploads/${sealed.body.result.sha256}`)
      .set(bearer(cast.clerk))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (d: Buffer) => chunks.push(d));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(file.status).to.equal(200);
    const sealedPdf = file.body as Buffer;
    expect(sha(sealedPdf)).to.equal(sealed.body.result.sha256);
    const unknownPdf = Buffer.concat([
      Buffer.from('%PDF-1.7\n'),
      Buffer.from(`unknown ${crypto.randomUUID()}`),
      Buffer.from('\n%%EOF\n'),
    ]);

    const username = `auditor-${crypto.randomUUID().slice(0, 8)}`;
    const registered = await rawApi(g)
      .post('/v1/users')
      .set('authorization', `Bearer ${await adminToken(g, 'audit')}`)
      .send({ username, role: 'auditor', dept: 'audit', displayName: '何平' })
      .expect(201);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    // A document the read model lists but the ledger never anchored (edited in the database behind the gateway).
    const unanchored = randomHash();
    const documents = g.connection.db!.collection('documents');
    try {
      await enrollInBrowser(page, g.url, { username, code: registered.body.enrollment.code });

      // Verify by upload: the sealed decision is anchored by the clerk, in the seal's transaction and block.
      await page.getByRole('tab', { name: '核验文件' }).waitFor();
      await page
        .locator('input[type=file]')
        .setInputFiles({ name: '审批决定书.pdf', mimeType: 'application/pdf', buffer: sealedPdf });
      await page.getByText('有效：文件已上链存证，签名有效').waitFor({ timeout: 30_000 });
      const result = page.getByTestId('verification');
      await result.getByText(`SHA-256 ${sha(sealedPdf)}`).waitFor();
      await result.getByRole('link', { name: transactionId }).waitFor();
      await result.getByRole('link', { name: blockNumber, exact: true }).waitFor();
      await result.getByText(new RegExp(`${cast.clerk.username}（HousingMSP · clerk）`)).waitFor();
      await result.getByText('现行有效（第 1 版）').waitFor();
      await result.getByText('签名有效', { exact: true }).waitFor();
      await result.getByText('已登记的电子印章：罗湖区住建局 经办 签章（HousingMSP）').waitFor();
      await screenshot(page, 'audit-verify-sealed');
      await expectAccessible(page);

      // The file's record: every version with its receipt, and the read model matching the ledger.
      await result.getByRole('link', { name: '文件记录历史' }).click();
      await page.getByText(`记录 document/${sha(sealedPdf)} 的历史`).waitFor();
      await page.getByRole('link', { name: `交易 ${transactionId}` }).waitFor();
      await page.getByText(/^一致（比对 \d+ 个字段）$/).waitFor();
      await screenshot(page, 'audit-record-history');
      await expectAccessible(page);
      await page.goBack();
      await page.getByRole('tab', { name: '核验文件' }).waitFor();

      // A PDF the ledger never saw, chosen with the keyboard alone: not anchored.
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: '选择要核验的 PDF 文件' }).last().focus();
      await page.keyboard.press('Enter');
      await (await chooser).setFiles({ name: '来历不明.pdf', mimeType: 'application/pdf', buffer: unknownPdf });
      await page.getByText('未上链存证：账本中没有该文件的记录').waitFor({ timeout: 30_000 });
      await result.getByText(`SHA-256 ${sha(unknownPdf)}`).waitFor();
      expect(await result.getByText('有效：文件已上链存证，签名有效').count()).to.equal(0);
      await screenshot(page, 'audit-verify-unknown');
      await expectAccessible(page);

      // A checkpoint, taken now: at the newest block (at least the seal's), and the latest the gateway lists.
      await page.getByRole('tab', { name: '检查点' }).click();
      await page.getByRole('button', { name: '生成检查点' }).focus();
      await page.keyboard.press('Enter');
      const taken = page.getByText(/已在区块 \d+ 生成检查点/);
      await taken.waitFor({ timeout: 60_000 });
      const takenAt = /已在区块 (\d+) 生成检查点/.exec((await taken.textContent())!)![1];
      expect(BigInt(takenAt) >= BigInt(blockNumber), `checkpoint ${takenAt} after the seal's block ${blockNumber}`).to
        .be.true;
      await page.getByTestId('checkpoint').getByRole('link', { name: takenAt, exact: true }).waitFor();
      const latest = await api(g).get('/v1/evidence/checkpoints/latest').set(bearer(cast.auditor));
      expect(BigInt(latest.body.blockNumber) >= BigInt(takenAt)).to.be.true;
      await screenshot(page, 'audit-checkpoint');
      await expectAccessible(page);

      // Reconciliation: a run the auditor starts finds the document the ledger does not anchor; it shows up live.
      await documents.insertOne({
        _id: unanchored as never,
        docType: 'document',
        sha256: unanchored,
        projectId: 'P-none',
        status: 'active',
        _position: 0,
        _transactionId: 'none',
      });
      await page.getByRole('tab', { name: '对账' }).click();
      const start = page.getByRole('button', { name: '立即对账' });
      await start.waitFor();
      // A run another test (or the schedule) started must end first: the button is enabled once none is running.
      await eventually(
        'no reconciliation run in progress',
        () => start.isEnabled(),
        (enabled) => enabled,
        200_000,
      );
      // Started, or refused (409) because a run began meanwhile: then again once that one ended.
      await eventually(
        'a run the auditor started',
        async () => {
          if (!(await start.isEnabled())) return false;
          await start.click();
          const refused = page.getByText('已有对账正在进行，请等待其结束');
          await Promise.race([refused.waitFor(), page.getByText('进行中').first().waitFor()]).catch(() => undefined);
          return !(await refused.isVisible());
        },
        (started) => started,
        200_000,
      );
      const row = page.getByRole('row', { name: new RegExp(`document/${unanchored}`) });
      await row.waitFor({ timeout: 240_000 });
      await row.getByText('缺少上链记录').waitFor();
      await row.getByRole('link', { name: `document/${unanchored}` }).waitFor(); // to the record's history
      await row.getByText('原因：no record under this key on the ledger').waitFor();
      await page.getByText('人工发起').first().waitFor();
      await screenshot(page, 'audit-reconciliation');
      await expectAccessible(page);

      // The same page in English.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByText('Reconciliation', { exact: true }).first().waitFor();
      await row.getByText('anchor missing').waitFor();
      await screenshot(page, 'audit-reconciliation-en');
      await expectAccessible(page);

      // Searching a file's SHA-256 (64 hex characters, as a transaction ID): no such transaction, so its document.
      await page.getByLabel('Transaction ID, block number, record key or project ID').fill(sha(sealedPdf));
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: "Look this up as a file's SHA-256" }).click();
      await page.getByText(`History of document/${sha(sealedPdf)}`).waitFor();
      await page.getByRole('link', { name: `Transaction ${transactionId}` }).waitFor();
      await screenshot(page, 'audit-document-by-hash-en');
      await expectAccessible(page);
    } finally {
      await documents.deleteOne({ _id: unanchored as never });
      await context.close();
    }
  });
});
