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

describe('Browser journey: 市委网信办 files a risk event, reviewer and office approve, the district sees its deduction', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let districtClerk: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: '市委网信办', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, {
      unitCode: '市委网信办',
      roles: ['reviewer'],
    });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    districtClerk = await createUser(testApp.dataSource, {
      unitCode: 'dianjiang',
      roles: ['entry'],
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

  it('should keep what was typed after an error and show the approved event with its deduction to the district', async () => {
    const page = await asUser(clerk);
    await page.goto(`${baseUrl}/risk`);
    await Promise.all([page.waitForURL(`${baseUrl}/risk/new`), page.click('a[href="/risk/new"]')]);
    await page.fill('#occurredOn', '2026-11-02');
    await page.selectOption('#levelCode', 'incident_larger');
    await page.fill('#details', '垫江县某镇因土地流转改革引发群众聚集，已妥善处置。');
    // 涉及区县 left out.
    await Promise.all([page.waitForLoadState(), page.click('#risk-form button[value="1"]')]);
    expect(await page.textContent('#involvedUnitId-error')).toContain('请选择涉及区县');
    expect(await page.inputValue('#occurredOn')).toBe('2026-11-02');
    expect(await page.inputValue('#levelCode')).toBe('incident_larger');
    expect(await page.inputValue('#details')).toBe(
      '垫江县某镇因土地流转改革引发群众聚集，已妥善处置。',
    );
    expect(await page.locator('#occurredOn-error').count()).toBe(0);
    await page.selectOption('#involvedUnitId', { label: '垫江县' });
    await Promise.all([
      page.waitForURL(/\/risk\/[0-9a-f-]{36}$/),
      page.click('#risk-form button[value="1"]'),
    ]);
    const url = page.url();
    const id = url.split('/').pop()!;
    expect(await page.textContent('#risk-facts')).toContain('审核通过后按当时标准确定');

    const reviewerPage = await asUser(reviewer);
    await reviewerPage.goto(url);
    await reviewerPage.click(`#record-${id}-pass`);
    await reviewerPage.waitForSelector(`#record-${id}-state:has-text("市委改革办审核")`);
    const officePage = await asUser(office);
    await officePage.goto(url);
    await officePage.click(`#record-${id}-confirm`);
    await officePage.waitForSelector(`#record-${id}-state:has-text("已通过")`);

    const districtPage = await asUser(districtClerk);
    await districtPage.goto(`${baseUrl}/risk`);
    const row = districtPage.locator(`#risk-${id}`);
    expect(await row.textContent()).toContain('群体性事件（较大）');
    expect(await row.textContent()).toContain('垫江县');
    expect(await row.locator('td.num').textContent()).toBe('3.00');
    expect(await row.locator('.state').textContent()).toBe('已通过');
    await Promise.all([districtPage.waitForURL(url), row.locator('a').click()]);
    expect(await districtPage.textContent('#risk-facts')).toContain('3.00（审核通过时的标准）');
    await districtPage.goto(`${baseUrl}/risk`);
    await screenshot(districtPage, 'risk-approved');
  });
});
