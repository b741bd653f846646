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

describe('Browser journey: the office assigns a blocker, the district feeds back, both reviews approve', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let office: TestUser;
  let clerk: TestUser;
  let reviewer: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    office = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
      name: '改革办沈',
    });
    clerk = await createUser(testApp.dataSource, {
      unitCode: 'nanan',
      roles: ['entry'],
      name: '南岸录入',
    });
    reviewer = await createUser(testApp.dataSource, {
      unitCode: 'nanan',
      roles: ['reviewer'],
      name: '南岸审核',
    });
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

  it('should end with the blocker shown completed in the office ledger', async () => {
    const officePage = await asUser(office);
    await officePage.goto(`${baseUrl}/blockers/new`);
    await officePage.fill('#title', '不动产登记与税务信息不共享');
    await officePage.fill('#description', '办理不动产登记需在两个窗口重复提交材料。');
    await officePage.fill('#deadline', '2027-06-30');
    await officePage.check(
      'input[name=unitIds] >> xpath=..//self::label[contains(., "南岸区")]/input',
    );
    await Promise.all([
      officePage.waitForURL(/\/blockers\/[0-9a-f-]{36}$/),
      officePage.click('#assignment-form button.primary'),
    ]);
    expect(await officePage.textContent('.tasks-table')).toContain('南岸区');
    const assignmentUrl = officePage.url();

    const clerkPage = await asUser(clerk);
    expect(await clerkPage.textContent('nav.sidenav')).toMatch(/消息通知\s*1/);
    await clerkPage.goto(`${baseUrl}/tasks?kind=blocker`);
    await Promise.all([
      clerkPage.waitForURL(/\/tasks\/[0-9a-f-]{36}$/),
      clerkPage.click('text=不动产登记与税务信息不共享'),
    ]);
    await clerkPage.selectOption('#status', 'completed');
    await clerkPage.fill('#workDone', '1.建立不动产登记与税务数据共享机制，实现一窗受理。');
    await clerkPage.fill('#problems', '无');
    await Promise.all([
      clerkPage.waitForURL(/\/task-progress\//),
      clerkPage.click('#progress-form button[value="1"]'),
    ]);
    const progressUrl = clerkPage.url();
    const id = progressUrl.split('/').pop()!;
    expect(await clerkPage.textContent(`#record-${id}-state`)).toContain('本单位审核');

    const reviewerPage = await asUser(reviewer);
    await reviewerPage.goto(`${baseUrl}/inbox`);
    await Promise.all([reviewerPage.waitForURL(progressUrl), reviewerPage.click(`#inbox-${id} a`)]);
    await reviewerPage.click(`#record-${id}-pass`);
    await reviewerPage.waitForSelector(`#record-${id}-state:has-text("市委改革办审核")`);

    await officePage.goto(`${baseUrl}/inbox`);
    await Promise.all([officePage.waitForURL(progressUrl), officePage.click(`#inbox-${id} a`)]);
    await officePage.click(`#record-${id}-confirm`);
    await officePage.waitForSelector(`#record-${id}-state:has-text("已通过")`);

    await officePage.goto(`${baseUrl}/blockers`);
    expect(await officePage.textContent('#assignments')).toMatch(
      /不动产登记与税务信息不共享\s*.*\s*2027-06-30\s*1\s*1\s*0/,
    );
    await officePage.goto(assignmentUrl);
    expect(await officePage.textContent('.tasks-table')).toContain('已完成');
    await screenshot(officePage, 'blocker-completed');
  });
});
