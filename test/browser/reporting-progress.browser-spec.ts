import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { launchBrowser, listen, loginInBrowser, screenshot } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/**
 * The office finds an overdue unit on the 填报进度 board and sends a 催报; the unit's clerk sees
 * the message and the overdue filing at the top of the home page's 本月/本季度待报送.
 */
describe('Browser journey: 填报进度 board and 催报', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let office: TestUser;
  let clerk: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    clerk = await createUser(testApp.dataSource, {
      unitCode: 'nanan',
      roles: ['entry'],
      name: '南岸录入',
    });
    await createUser(testApp.dataSource, { unitCode: 'nanan', roles: ['reviewer'] });
    const nanan = await unitIdByCode(testApp.dataSource, 'nanan');
    // A blocker due Friday 30 October, assigned on the 20th; today is Tuesday 3 November.
    const [assignment] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO assignments (kind, title, description, deadline, created_by)
       VALUES ('blocker', '企业开办一件事堵点', '', '2026-10-30', $1) RETURNING id`,
      [office.id],
    );
    await testApp.dataSource.query(
      `INSERT INTO assignment_tasks (assignment_id, unit_id) VALUES ($1, $2)`,
      [assignment.id, nanan],
    );
    testApp.app.get(Clock).now = () => new Date('2026-11-03T10:00:00+08:00');
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

  it('should show the overdue unit, send one 催报, and show it to the unit', async () => {
    const officePage = await asUser(office);
    await officePage.click('nav.sidenav >> text=填报进度');
    await officePage.selectOption('#board-filter select[name=period]', '2026-10');
    await officePage.selectOption('#board-filter select[name=status]', 'overdue');
    await Promise.all([
      officePage.waitForURL(/period=2026-10/),
      officePage.click('#board-filter button'),
    ]);
    const row = officePage.locator('#board tbody tr', { hasText: '南岸区' });
    expect(await row.textContent()).toMatch(/南岸区\s*1\s*0\s*0\s*0\s*1/);
    await Promise.all([
      officePage.waitForURL(/reporting-progress/),
      row.locator('button', { hasText: '催报' }).click(),
    ]);
    expect(await officePage.textContent('#flash')).toContain(
      '已催报 1 个单位（南岸区·堵点卡点任务 1 项），通知 2 人',
    );
    expect(await row.textContent()).toContain('今日已催报');
    await screenshot(officePage, 'reporting-progress-board');

    const clerkPage = await asUser(clerk);
    const dueFilings = await clerkPage.textContent('#due-filings');
    expect(dueFilings).toContain('企业开办一件事堵点');
    expect(dueFilings).toContain('已逾期 4 天');
    await clerkPage.goto(`${baseUrl}/notifications`);
    expect(await clerkPage.textContent('main')).toContain(
      '【催报】市委改革办提醒：贵单位有 1 项堵点卡点任务已逾期未报送',
    );
  });
});
