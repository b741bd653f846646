import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import {
  launchBrowser,
  listen,
  loginInBrowser,
  screenshot,
  STEP_TIMEOUT_MS,
} from '../helpers/browser.js';
import { createIssuedProject, type IssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Browser journey: the responsible clerk updates the month, reviewer and office approve, the project page charts it', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let project: IssuedProject;

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-03-31T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: 'dept-dashuju', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, {
      unitCode: 'dept-dashuju',
      roles: ['reviewer'],
    });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    project = await createIssuedProject(testApp.dataSource, {
      unit: 'dept-dashuju',
      createdBy: office.id,
      name: '数字重庆一网统管改革',
      planYear: 2026,
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

  it('should keep the typed values after an error and draw the approved month on the chart', async () => {
    const page = await asUser(clerk);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${baseUrl}/major-projects/${project.projectId}`);
    await Promise.all([page.waitForLoadState(), page.click('#update-month-progress')]);
    expect(await page.inputValue('#month')).toBe('2026-03');
    const [a, b] = project.indicatorKeys.map((key) => `#actual-${key.replaceAll('-', '')}`);
    await page.fill(a, '31.5');
    await page.fill(b, '-2');
    await Promise.all([
      page.waitForLoadState(),
      page.click('#indicator-report-form button[value="1"]'),
    ]);
    expect(await page.textContent(`${b}-error`)).toContain('实际值不能为负数');
    expect(await page.inputValue(a)).toBe('31.5');
    await page.fill(b, '28');
    await Promise.all([
      page.waitForURL(/\/major-projects\/indicator-reports\/[0-9a-f-]{36}$/),
      page.click('#indicator-report-form button[value="1"]'),
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

    await page.goto(`${baseUrl}/major-projects/${project.projectId}`);
    const token = project.indicatorKeys[0].replaceAll('-', '');
    // chart.js drew the line chart: the canvas has a Chart instance with both series.
    await page.waitForFunction((canvasId) => {
      const chart = (
        window as unknown as {
          Chart?: { getChart(id: string): { data: { datasets: unknown[] } } | undefined };
        }
      ).Chart?.getChart(canvasId);
      return chart !== undefined && chart.data.datasets.length === 2;
    }, `indicator-chart-${token}`);
    const actual = await page.evaluate((canvasId) => {
      const chart = (
        window as unknown as {
          Chart: { getChart(id: string): { data: { datasets: { data: unknown[] }[] } } };
        }
      ).Chart.getChart(canvasId);
      return chart.data.datasets[1].data.slice(0, 4);
    }, `indicator-chart-${token}`);
    // Periodic indicator: only March is reported, so the actual to date is 31.5 from March on.
    expect(actual).toEqual([0, 0, 31.5, null]);
    await page.click(`#indicator-${project.indicatorKeys[0]}-data summary`);
    expect(await page.textContent(`#indicator-${project.indicatorKeys[0]}-2026-03`)).toContain(
      '31.5',
    );
    expect(errors).toEqual([]);
    await screenshot(page, 'project-updates-chart');
  });
});
