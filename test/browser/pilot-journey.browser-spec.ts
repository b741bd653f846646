import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  listen,
  loginInBrowser,
  screenshot,
  STEP_TIMEOUT_MS,
} from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Browser journey: a district creates a pilot, the competent department adds a district and confirms', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let reviewer: TestUser;
  let deptClerk: TestUser;
  let otherClerk: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: 'yongchuan', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, { unitCode: 'yongchuan', roles: ['reviewer'] });
    deptClerk = await createUser(testApp.dataSource, {
      unitCode: '市大数据发展局',
      roles: ['entry'],
    });
    otherClerk = await createUser(testApp.dataSource, { unitCode: 'bishan', roles: ['entry'] });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (user: TestUser): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await loginInBrowser(page, baseUrl, user.mobile, user.password);
    return page;
  };

  it('should show the pilot in both districts lists after confirmation', async () => {
    const clerkPage = await asUser(clerk);
    await clerkPage.goto(`${baseUrl}/pilots/new`);
    await clerkPage.fill('#name', '数字政府建设试点');
    await clerkPage.check('input[name=level][value=national]');
    await clerkPage.fill('#documentTitle', '关于开展数字政府建设试点的通知');
    await clerkPage.fill('#documentNumber', '国办函〔2023〕12号');
    await clerkPage.fill('#issuer', '国务院办公厅');
    await clerkPage.fill('#deployedOn', '2023-03-01');
    await clerkPage.selectOption('#competentUnitId', { label: '市大数据发展局' });
    await clerkPage.fill('#acceptanceDue', '2026-12-31');
    await clerkPage.selectOption('#domainId', { label: '数字化改革' });
    await clerkPage.waitForSelector('#trackId option:has-text("数字政府")', { state: 'attached' });
    await clerkPage.selectOption('#trackId', { label: '数字政府' });
    await clerkPage.setInputFiles('#pilot-form-document-input', {
      name: '部署文件.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n'),
    });
    await clerkPage.waitForSelector('#pilot-form-document-files .attachment-chip');
    await Promise.all([
      clerkPage.waitForURL(/\/pilots\/[0-9a-f-]{36}$/),
      clerkPage.click('#pilot-form button[value="1"]'),
    ]);
    const pilotUrl = clerkPage.url();
    const id = pilotUrl.split('/').pop()!;

    const reviewerPage = await asUser(reviewer);
    await reviewerPage.goto(pilotUrl);
    await reviewerPage.click(`#record-${id}-pass`);
    await reviewerPage.waitForSelector(`#record-${id}-state:has-text("主管部门确认分发")`);

    const deptPage = await asUser(deptClerk);
    await deptPage.goto(`${baseUrl}/inbox`);
    await Promise.all([deptPage.waitForURL(pilotUrl), deptPage.click(`#inbox-${id} a`)]);
    await deptPage.check('#pilot-confirmation label:has-text("璧山区") input');
    await Promise.all([deptPage.waitForURL(pilotUrl), deptPage.click('#pilot-confirm')]);
    expect(await deptPage.textContent('#pilot-involved')).toContain('璧山区');
    expect(await deptPage.textContent(`#record-${id}-state`)).toContain('已通过');
    await screenshot(deptPage, 'pilot-confirmed');

    for (const user of [clerk, otherClerk]) {
      const page = await asUser(user);
      await page.goto(`${baseUrl}/pilots`);
      expect(await page.textContent('#pilots')).toContain('数字政府建设试点');
    }
  });
});
