import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import {
  launchBrowser,
  listen,
  loginInBrowser,
  screenshot,
  STEP_TIMEOUT_MS,
} from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Browser journey: a district files a showcase highlight, reviewer and office approve', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ evaluationYearStart: '2026-01-01' });
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: 'fengjie', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, { unitCode: 'fengjie', roles: ['reviewer'] });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
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

  it('should keep what was typed after an error and end approved in the ledger', async () => {
    const page = await asUser(clerk);
    await page.goto(`${baseUrl}/showcase/new`);
    await page.fill('#matter', '建立脐橙产业数字化服务机制');
    await page.check('input[name=category][value=citywide]');
    await page.selectOption('#subKindId', { label: '④改革经验被列入市委“最佳实践”案例' });
    await page.fill('#happenedOn', '2025-12-01');
    await page.fill('#problemsSolved', '果农销售渠道单一。');
    await page.fill('#results', '带动销售增长30%。');
    await page.check('input[name=evidenceClassified]');
    await Promise.all([page.waitForLoadState(), page.click('#showcase-form button[value="1"]')]);
    expect(await page.textContent('#happenedOn-error')).toContain('只填报 2026-01-01 以来');
    expect(await page.inputValue('#matter')).toBe('建立脐橙产业数字化服务机制');
    await page.fill('#happenedOn', '2026-06-18');
    await Promise.all([
      page.waitForURL(/\/showcase\/[0-9a-f-]{36}$/),
      page.click('#showcase-form button[value="1"]'),
    ]);
    const url = page.url();
    const id = url.split('/').pop()!;

    const reviewerPage = await asUser(reviewer);
    await reviewerPage.goto(url);
    await reviewerPage.click(`#record-${id}-pass`);
    await reviewerPage.waitForSelector(`#record-${id}-state:has-text("市委改革办审核")`);
    const officePage = await asUser(office);
    await officePage.goto(url);
    await officePage.click(`#record-${id}-confirm`);
    await officePage.waitForSelector(`#record-${id}-state:has-text("已通过")`);
    await officePage.goto(`${baseUrl}/showcase?category=citywide`);
    expect(await officePage.textContent('#showcase')).toContain('建立脐橙产业数字化服务机制');
    await screenshot(officePage, 'showcase-approved');
  });
});
