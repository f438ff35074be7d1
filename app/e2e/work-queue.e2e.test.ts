/// <reference lib="dom" />
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { roadApplication } from '../../gateway/test/support/fixtures';
import {
  api,
  bearer,
  gatewayUnderTest,
  newCompany,
  newUser,
  rawApi,
  TestGateway,
  uniqueId,
} from '../../gateway/test/support/gateway';
import { enrollInBrowser, expectAccessible, launchChromium, registeredPerson, screenshot } from './browser';

/**
 * Issue 13, first journey: a clerk's first use of the app on a new device — the key is made in the browser and enrolled
 * with the admin's one-time code; the clerk passes a pre-review from the work queue, signed in the browser.
 */
describe('web app: a clerk enrolls in the browser and passes a pre-review from the work queue (Chromium)', function () {
  this.timeout(180_000);
  let g: TestGateway;
  let browser: Browser;
  before(async () => {
    g = await gatewayUnderTest();
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('when the app is opened, then the gateway serves it on its own origin, and an unknown path gets the app, not the API’s 404', async () => {
    const home = await rawApi(g).get('/').set('accept', 'text/html').expect(200);
    expect(home.text).to.contain('<div id="root">');
    const deep = await rawApi(g).get('/work').set('accept', 'text/html').expect(200);
    expect(deep.headers['cache-control']).to.equal('no-cache');
    await rawApi(g).get('/v1/nothing-here').expect(404);
  });

  it('when a clerk enrolls with the code and passes a pre-review, then the key never left the browser and the ledger names the clerk', async () => {
    const contractor = await newUser(g, 'contractor');
    const id = uniqueId('P');
    await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201);
    const clerk = await registeredPerson(g, 'clerk', { dept: 'housing', displayName: '王敏' });
    const { username } = clerk;

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await enrollInBrowser(page, g.url, clerk, async () => {
        await screenshot(page, 'sign-in-enroll');
        await expectAccessible(page);
      });

      await page.getByText('我的待办').waitFor();
      // The suite's queue holds many projects, 20 to a page: found by its number, as a clerk would.
      await page.getByLabel('按项目名称或编号查找').fill(id);
      const row = page.getByRole('row', { name: new RegExp(id) });
      await row.waitFor();
      await screenshot(page, 'work-queue');
      await expectAccessible(page);
      await row.getByRole('button', { name: '通过预审' }).click();
      await page.getByText('由您本人签名').waitFor();
      await screenshot(page, 'work-queue-signed');
      // The project's story: the step just taken, by this clerk, and each version's receipt from the ledger.
      await page.goto(`${g.url}/projects/${id}`);
      await page.getByRole('cell', { name: '通过预审' }).waitFor();
      await page.getByText(`${username}（HousingMSP）`).waitFor();
      await page.getByText('上链记录（每个版本的交易回执）').waitFor();
      await page.locator('td code').nth(1).waitFor(); // applied, then pre-reviewed: two versions, two receipts
      await screenshot(page, 'project-page');
      await expectAccessible(page);
      // The key the browser made is a non-extractable CryptoKey in IndexedDB: the page itself cannot export it.
      const exportable = await page.evaluate(
        async (user) =>
          new Promise<boolean>((resolve, reject) => {
            const open = indexedDB.open('luohu-keys', 1);
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction('holders').objectStore('holders').get(user);
              get.onsuccess = () => resolve((get.result.privateKey as CryptoKey).extractable);
            };
          }),
        username,
      );
      expect(exportable).to.equal(false);
    } finally {
      await context.close();
    }
    const project = await api(g).get(`/v1/projects/${id}?source=ledger`).set(bearer(contractor)).expect(200);
    expect(project.body.status).to.equal('department_review');
    expect(project.body.steps.at(-1).by.id).to.include(`CN=${username}::`);
  });

  it('when the director decides from the work queue with a reason, then the decision is signed in the browser; a reason too short is refused in the dialog, what was typed stays', async () => {
    const [contractor, clerk, reviewer] = await Promise.all([
      newUser(g, 'contractor'),
      newUser(g, 'clerk'),
      newUser(g, 'reviewer'),
    ]);
    const id = uniqueId('P');
    await api(g).post('/v1/projects').set(bearer(contractor)).send(roadApplication(id, contractor)).expect(201);
    await api(g).post(`/v1/projects/${id}/pre-review`).set(bearer(clerk)).expect(201);
    const project = (await api(g).get(`/v1/projects/${id}?source=ledger`).set(bearer(clerk)).expect(200)).body;
    for (const dept of project.requiredDepartments as string[]) {
      const deptReviewer = dept === 'housing' ? reviewer : await newUser(g, 'reviewer', { dept });
      await api(g)
        .post(`/v1/projects/${id}/reviews`)
        .set(bearer(deptReviewer))
        .send({ opinion: 'approve', reason: '符合要求' })
        .expect(201);
    }
    const director = await registeredPerson(g, 'director', { dept: 'housing', displayName: '陈局长' });
    const { username } = director;

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await enrollInBrowser(page, g.url, director);
      await page.getByLabel('按项目名称或编号查找').fill(id);
      const row = page.getByRole('row', { name: new RegExp(id) });
      await row.waitFor();
      await row.getByRole('button', { name: '审批决定' }).click();
      await page.getByLabel('理由').fill('同');
      await page.getByRole('button', { name: '签名并提交' }).click();
      await page.getByText('请填写理由（2 至 500 字）').waitFor(); // checked before anything is signed
      await page.getByLabel('理由').fill('同意立项，按期开工');
      await screenshot(page, 'decision-dialog');
      await expectAccessible(page);
      await page.getByRole('button', { name: '签名并提交' }).click();
      await page.getByText('由您本人签名').waitFor();
    } finally {
      await context.close();
    }
    const decided = (await api(g).get(`/v1/projects/${id}?source=ledger`).set(bearer(contractor)).expect(200)).body;
    expect(decided).to.include({ status: 'approved', decisionReason: '同意立项，按期开工' });
    expect(decided.steps.at(-1).by.id).to.include(`CN=${username}::`);
  });

  it('when a contractor applies in the browser with the files its project type requires, then each upload shows its SHA-256, the automatic check passes, and the ledger names the contractor; returned for correction, they upload a document again and resubmit', async () => {
    const company = await newCompany(g);
    const applicant = await registeredPerson(g, 'contractor', { company, displayName: '罗湖建设' });
    const { username } = applicant;
    const id = uniqueId('P');
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const hashes: string[] = [];
    try {
      await enrollInBrowser(page, g.url, applicant);
      await page.getByText('申报材料（按项目类型）').waitFor();
      await page.getByLabel('项目编号').fill(id);
      await page.getByLabel('项目名称').fill('翠竹路人行道改造');
      await page.getByLabel('预算（元）').fill('900000');
      await page.getByLabel('地点').fill('罗湖区翠竹路');
      const inputs = page.locator('input[type=file]');
      const count = await inputs.count();
      expect(count, 'a road needs five documents').to.equal(5);
      for (let i = 0; i < count; i++) {
        const bytes = Buffer.from(`${id} document ${i} ${crypto.randomUUID()}`);
        hashes.push(crypto.createHash('sha256').update(bytes).digest('hex'));
        await inputs.nth(i).setInputFiles({ name: `doc-${i}.pdf`, mimeType: 'application/pdf', buffer: bytes });
        await page.getByText(`SHA-256 ${hashes[i]}`).waitFor();
      }
      await screenshot(page, 'apply');
      await expectAccessible(page);
      await page.getByRole('button', { name: '签名并提交申请' }).click();
      await page.getByText('自动核验通过，已进入预审').waitFor();
      await screenshot(page, 'apply-passed');

      // 补正: the clerk returns it; the applicant sees it in their list (live), uploads one document again, resubmits.
      const clerk = await newUser(g, 'clerk', { dept: 'housing' });
      await api(g)
        .post(`/v1/projects/${id}/correction`)
        .set(bearer(clerk))
        .send({ reason: '可行性研究报告缺少交通组织方案' })
        .expect(201);
      const mine = page.getByRole('row', { name: new RegExp(id) });
      await mine.getByRole('button', { name: '补正' }).click({ timeout: 15_000 });
      const dialog = page.getByRole('dialog');
      await dialog.getByText('可行性研究报告缺少交通组织方案').waitFor();
      const corrected = Buffer.from(`${id} corrected ${crypto.randomUUID()}`);
      hashes[2] = crypto.createHash('sha256').update(corrected).digest('hex');
      await dialog
        .locator('input[type=file]')
        .nth(2)
        .setInputFiles({ name: 'feasibility-v2.pdf', mimeType: 'application/pdf', buffer: corrected });
      await dialog.getByText(`SHA-256 ${hashes[2]}`).waitFor();
      await screenshot(page, 'apply-correction');
      await expectAccessible(page);
      await dialog.getByRole('button', { name: '签名并重新提交' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      await mine.getByText('预审').waitFor({ timeout: 15_000 });
    } finally {
      await context.close();
    }
    const contractor = await newUser(g, 'clerk');
    const project = (await api(g).get(`/v1/projects/${id}?source=ledger`).set(bearer(contractor)).expect(200)).body;
    expect(project).to.include({ status: 'pre_review', contractorId: company, budget: 90_000_000, round: 2 });
    expect(project.applicant.id).to.include(`CN=${username}::`);
    expect((project.files as { sha256: string }[]).map((f) => f.sha256).sort()).to.deep.equal([...hashes].sort());
  });
});
