import type { Browser, Page } from 'playwright-core';
import { launchBrowser, listen, loginInBrowser, screenshot } from '../helpers/browser.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

describe('Browser journey: a district files a 试点成果 with evidence on its pilot page', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let streamId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    const ds = testApp.dataSource;
    clerk = await createUser(ds, { unitCode: 'yongchuan', roles: ['entry'] });
    const reviewer = await createUser(ds, { unitCode: 'yongchuan', roles: ['reviewer'] });
    const deptClerk = await createUser(ds, { unitCode: '市科技局', roles: ['entry'] });
    // A confirmed pilot, set up over HTTP: the journey starts on the district's stream page.
    const clerkSession = await login(testApp.server, clerk.mobile, clerk.password);
    const domainId = (
      await ds.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'domain' AND code = 'economy'`,
      )
    )[0].id;
    const created = await clerkSession.post('/pilots', {
      name: '科技成果转化试点',
      level: 'municipal',
      documentTitle: '关于开展科技成果转化试点的通知',
      documentNumber: '渝科发〔2022〕3号',
      issuer: '市科技局',
      deployedOn: '2022-03-01',
      competentUnitId: String(await unitIdByCode(ds, '市科技局')),
      acceptanceDue: '2026-12-31',
      domainId: String(domainId),
      documentClassified: 'on',
      submit: '1',
    });
    const pilotId = String(created.headers.location).split('/').pop()!;
    const reviewerSession = await login(testApp.server, reviewer.mobile, reviewer.password);
    await reviewerSession.htmx('post', `/records/${pilotId}/transitions`, { action: 'pass' });
    const deptSession = await login(testApp.server, deptClerk.mobile, deptClerk.password);
    await deptSession.post(`/pilots/${pilotId}/confirmation`, {});
    streamId = (
      await ds.query<{ id: string }[]>(`SELECT id FROM pilot_streams WHERE pilot_lineage_id = $1`, [
        pilotId,
      ])
    )[0].id;
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (user: TestUser): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(8000);
    await loginInBrowser(page, baseUrl, user.mobile, user.password);
    return page;
  };

  it('should put the uploaded evidence into the 试点成果 form, not the hidden 推进状态 form, and save it with the achievement', async () => {
    const page = await asUser(clerk);
    await page.goto(`${baseUrl}/pilot-streams/${streamId}`);
    await page.click('summary:has-text("填报试点成果")');
    await page.fill('#achievement-form #name', '搭建科技成果转化服务平台');
    await page.fill('#achievement-form #problemsSolved', '1. 成果转化收益分配不清。');
    await page.fill('#achievement-form #effects', '平台上线半年，促成转化项目 12 项。');
    await page.setInputFiles('#achievement-form-evidence-input', {
      name: '平台上线通知.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n'),
    });
    await page.waitForSelector(
      '#achievement-form #achievement-form-evidence-files .attachment-chip',
    );
    expect(await page.locator('#progress-form .attachment-chip').count()).toBe(0);
    await screenshot(page, 'pilot-achievement-evidence');
    await Promise.all([
      page.waitForURL(/\/pilot-filings\/[0-9a-f-]{36}$/),
      page.click('#achievement-form button[value="1"]'),
    ]);
    expect(await page.textContent('#evidence-files')).toContain('平台上线通知.pdf');
  });
});
