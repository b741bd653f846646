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

describe('Browser journey: the office enters a major project, the department draws its battle map, the office returns it, then issues it', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let office: TestUser;
  let clerk: TestUser;
  let reviewer: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    clerk = await createUser(testApp.dataSource, { unitCode: '市大数据发展局', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, {
      unitCode: '市大数据发展局',
      roles: ['reviewer'],
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

  /** The id of the record whose workflow panel the page shows. */
  const panelRecordId = async (page: Page): Promise<string> =>
    (await page.getAttribute('.workflow-panel', 'id'))!.replace(/^record-|-workflow$/g, '');

  it('should carry the map from drawing to 确认下发 and let the clerk file a month of progress', async () => {
    // The office enters the project.
    const officePage = await asUser(office);
    await officePage.goto(`${baseUrl}/major-projects`);
    await Promise.all([
      officePage.waitForURL(`${baseUrl}/major-projects/new`),
      officePage.click('a[href="/major-projects/new"]'),
    ]);
    await officePage.fill('#name', '数字重庆建设');
    await officePage.selectOption('#domainId', { label: '数字化改革' });
    await officePage.selectOption('#responsibleUnitId', { label: '市大数据发展局' });
    await officePage.fill('#leadLeader', '张副市长');
    await officePage.fill('#planYear', '2026');
    await Promise.all([
      officePage.waitForURL(/\/major-projects\/[0-9a-f-]{36}$/),
      officePage.click('#project-form button[type=submit]'),
    ]);
    const projectUrl = officePage.url();
    const mapUrl = `${projectUrl}/map`;
    expect(await officePage.textContent('#map-status')).toContain('待责任单位绘制');
    await screenshot(officePage, 'major-project-created');

    // The department's clerk draws the map: two indicators with a running month sum.
    const clerkPage = await asUser(clerk);
    await clerkPage.goto(projectUrl);
    await Promise.all([clerkPage.waitForURL(mapUrl), clerkPage.click('#open-map')]);
    const indicators = clerkPage.locator('.indicator-row');
    expect(await indicators.count()).toBe(2);
    const first = indicators.nth(0);
    await first.locator('input[name$="-name"]').fill('一体化智能化公共数据平台接入系统数');
    await first.locator('input[name$="-unit"]').fill('个');
    await first.locator('input[name$="-annual"]').fill('12');
    for (let month = 1; month <= 11; month += 1) {
      await first.locator(`input[name$="-m${month}"]`).fill('1');
    }
    expect(await first.locator('.month-sum').textContent()).toBe(
      '12个月合计：11，与年度目标值 12 相差 1',
    );
    await first.locator('input[name$="-m12"]').fill('1');
    expect(await first.locator('.month-sum').textContent()).toBe(
      '12个月合计：12，与年度目标值一致',
    );
    const second = indicators.nth(1);
    await second.locator('input[name$="-name"]').fill('重大应用上线数');
    await second.locator('input[name$="-unit"]').fill('个');
    await second.locator('input[name$="-annual"]').fill('0.3');
    await second.locator('select[name$="-cumulative"]').selectOption('1');
    await second.locator('input[name$="-m1"]').fill('0.1');
    expect(await second.locator('.month-sum').textContent()).toContain('相差 0.2');
    // 累计值: targets to date, December's (the last filled, carried on) must equal the annual
    // target; a lower month is flagged at once.
    await second.locator('input[name$="-m2"]').fill('0.05');
    expect(await second.locator('.month-sum').textContent()).toBe(
      '累计目标不能低于上月：2月低于上月',
    );
    await second.locator('input[name$="-m2"]').fill('0.3');
    expect(await second.locator('.month-sum').textContent()).toContain('一致');

    // Three measures added with the htmx button, each with a live character count.
    const measureTexts = [
      '迭代升级一体化智能化公共数据平台',
      '建设三级数字化城市运行和治理中心',
      '谋划上线一批跨部门多业务协同的重大应用',
    ];
    for (const [index, text] of measureTexts.entries()) {
      await clerkPage.click('#add-measure');
      const row = clerkPage.locator('.measure-row').nth(index);
      await row.waitFor();
      await row.locator('textarea').fill(text);
      expect(await row.locator('.char-count').textContent()).toBe(String([...text].length));
    }

    // Plan rows with the htmx button: their measure choices are the measures typed above.
    const plans = [
      {
        measure: '举措1',
        month: '2026-03',
        type: '制定改革方案',
        content: '印发公共数据平台迭代升级方案',
      },
      {
        measure: '举措3',
        month: '2026-06',
        type: '上线重大应用',
        content: '首批重大应用上线试运行',
      },
    ];
    for (const [index, plan] of plans.entries()) {
      await clerkPage.click('#add-plan');
      const row = clerkPage.locator('.plan-row').nth(index);
      await row.waitFor();
      await row.locator('select[name$="-measure"]').selectOption({ label: plan.measure });
      await row.locator('input[name$="-month"]').fill(plan.month);
      await row.locator('select[name$="-type"]').selectOption({ label: plan.type });
      await row.locator('textarea').fill(plan.content);
    }
    await screenshot(clerkPage, 'major-project-map-drawn');
    await Promise.all([
      clerkPage.waitForURL(mapUrl),
      clerkPage.click('#map-form button[name=submit][value="1"]'),
    ]);
    expect(await clerkPage.textContent('body')).toContain('作战图已上报，等待本单位审核');
    const mapId = await panelRecordId(clerkPage);
    expect(await clerkPage.textContent(`#record-${mapId}-state`)).toContain('本单位审核');

    // The unit's reviewer passes it.
    const reviewerPage = await asUser(reviewer);
    await reviewerPage.goto(mapUrl);
    expect(await reviewerPage.textContent('#map-measures')).toContain(measureTexts[1]);
    await reviewerPage.click(`#record-${mapId}-pass`);
    await reviewerPage.waitForSelector(`#record-${mapId}-state:has-text("市委改革办确认下发")`);

    // The office returns it for improvement with a reason and a detail.
    await officePage.goto(mapUrl);
    await officePage.click(`#record-${mapId}-actions details summary:has-text("退回完善")`);
    await officePage.selectOption(`#return-reason-${mapId}`, { label: '信息填写不完整' });
    await officePage.fill(`#return-detail-${mapId}`, '请细化第二条举措，写明建设范围和完成时限');
    await officePage.click(`#record-${mapId}-actions button:has-text("确认退回完善")`);
    await officePage.waitForSelector(`#record-${mapId}-state:has-text("已退回")`);
    await screenshot(officePage, 'major-project-map-returned');

    // The clerk sees why, fixes the second measure (the rest is kept) and submits again.
    await clerkPage.goto(mapUrl);
    expect(await clerkPage.textContent(`#record-${mapId}-returned`)).toContain(
      '请细化第二条举措，写明建设范围和完成时限',
    );
    expect(await clerkPage.locator('.indicator-row').count()).toBe(2);
    expect(await clerkPage.locator('.plan-row').count()).toBe(2);
    const fixed = '建设市、区县、镇街三级数字化城市运行和治理中心，年底前41个区县全部建成';
    const secondMeasure = clerkPage.locator('.measure-row').nth(1).locator('textarea');
    await secondMeasure.fill(fixed);
    expect(
      await clerkPage.locator('.measure-row').nth(1).locator('.char-count').textContent(),
    ).toBe(String([...fixed].length));
    await Promise.all([
      clerkPage.waitForURL(mapUrl),
      clerkPage.click('#map-form button[name=submit][value="1"]'),
    ]);
    expect(await clerkPage.textContent(`#record-${mapId}-state`)).toContain('本单位审核');

    // The reviewer passes again; the office issues it (确认下发): version 1, frozen.
    await reviewerPage.goto(mapUrl);
    await reviewerPage.click(`#record-${mapId}-pass`);
    await reviewerPage.waitForSelector(`#record-${mapId}-state:has-text("市委改革办确认下发")`);
    await officePage.goto(mapUrl);
    expect(await officePage.textContent('#map-measures')).toContain(fixed);
    await officePage.click(`#record-${mapId}-issue`);
    await officePage.waitForSelector(`#record-${mapId}-state:has-text("已通过")`);
    await officePage.goto(projectUrl);
    expect(await officePage.textContent('#map-status')).toContain('已确认下发 · 第 1 版');
    expect(await officePage.textContent('#project-timeline')).toContain('退回完善');
    await screenshot(officePage, 'major-project-issued');

    // The clerk files this month's progress of the issued map (量化目标推进更新).
    await clerkPage.goto(projectUrl);
    await Promise.all([
      clerkPage.waitForURL(/\/indicator-reports\/new/),
      clerkPage.click('#update-month-progress'),
    ]);
    expect(await clerkPage.inputValue('#month')).toBe('2026-11');
    const actuals = clerkPage.locator('#indicator-actuals input');
    expect(await actuals.count()).toBe(2);
    await actuals.nth(0).fill('11');
    await actuals.nth(1).fill('0.3');
    await Promise.all([
      clerkPage.waitForURL(/\/major-projects\/indicator-reports\/[0-9a-f-]{36}$/),
      clerkPage.click('#indicator-report-form button[name=submit][value="1"]'),
    ]);
    const reportId = await panelRecordId(clerkPage);
    expect(await clerkPage.textContent(`#record-${reportId}-state`)).toContain('本单位审核');
    await screenshot(clerkPage, 'major-project-progress-filed');
  });
});
