import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import {
  launchBrowser,
  listen,
  loginInBrowser,
  screenshot,
  STEP_TIMEOUT_MS,
} from '../helpers/browser.js';
import { createIssuedProject } from '../helpers/major-projects.fixture.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/**
 * Both cockpits in a real browser with all 41 districts and 100 issued major projects: the grids
 * render without overlapping tiles, a 查看数据 toggle shows the table, a district drills down.
 */
describe('Browser: cockpits at city scale', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let leader: TestUser;
  let districtLeader: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    const office = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    leader = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['leader'] });
    districtLeader = await createUser(testApp.dataSource, {
      unitCode: 'yuzhong',
      roles: ['leader'],
    });
    const survey = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });

    // A satisfaction return with spread-out scores so the bands differ.
    const districts = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
    const form: Record<string, string> = { quarter: '2026-Q3', conclusion: '总体满意。' };
    districts.forEach((district, index) => {
      form[`score_${district.id}`] = (70 + ((index * 7) % 29)).toFixed(2);
    });
    const surveySession = await login(testApp.server, survey.mobile, survey.password);
    const officeSession = await login(testApp.server, office.mobile, office.password);
    const draft = await surveySession.post('/satisfaction', form);
    const returnId = String(draft.headers.location).split('/').pop()!;
    await surveySession.htmx('post', `/records/${returnId}/transitions`, { action: 'submit' });
    await officeSession.htmx('post', `/records/${returnId}/transitions`, { action: 'confirm' });
    const generated = await officeSession.post('/reports', { kind: 'district', period: '2026-Q3' });
    expect(generated.status).toBe(303);
    districtReportPath = String(generated.headers.location);

    const departments = await testApp.dataSource.query<{ name: string }[]>(
      `SELECT name FROM units WHERE kind = 'department' AND active ORDER BY sort_order LIMIT 20`,
    );
    for (let index = 0; index < 100; index += 1) {
      await createIssuedProject(testApp.dataSource, {
        unit: departments[index % departments.length].name,
        createdBy: office.id,
        name: index === 0 ? LONG_PROJECT_NAME : `重大改革项目第${index + 1}号`,
        planYear: 2026,
      });
    }
    expect(
      (await officeSession.post('/reports', { kind: 'major_project', period: '2026-B5' })).status,
    ).toBe(303);
    expect(await unitIdByCode(testApp.dataSource, 'yuzhong')).toBeGreaterThan(0);
  }, 600_000);

  let districtReportPath = '';
  const LONG_PROJECT_NAME = '成渝地区双城经济圈经济区与行政区适度分离改革';

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (user: TestUser): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await loginInBrowser(page, baseUrl, user.mobile, user.password);
    return page;
  };

  /** True when no two tiles of a grid overlap on screen. */
  const tilesDoNotOverlap = (page: Page, selector: string) =>
    page.$$eval(selector, (elements) => {
      const boxes = elements.map((element) => element.getBoundingClientRect());
      for (let i = 0; i < boxes.length; i += 1) {
        for (let j = i + 1; j < boxes.length; j += 1) {
          const a = boxes[i];
          const b = boxes[j];
          if (
            a.left < b.right - 0.5 &&
            b.left < a.right - 0.5 &&
            a.top < b.bottom - 0.5 &&
            b.top < a.bottom - 0.5
          ) {
            return false;
          }
        }
      }
      return boxes.length > 0;
    });

  it('should draw the district cockpit, toggle a data table and drill into a district', async () => {
    const page = await asUser(leader);
    await page.goto(`${baseUrl}/cockpit`);
    await page.waitForFunction(() => {
      const canvas = document.querySelector('canvas[data-bar-chart]');
      return (
        canvas !== null &&
        (window as unknown as { Chart?: { getChart(c: unknown): unknown } }).Chart?.getChart(
          canvas,
        ) !== undefined
      );
    });
    expect(await page.locator('#index-total .band-tile').count()).toBe(41);
    expect(await tilesDoNotOverlap(page, '#index-total .band-tile')).toBe(true);
    await screenshot(page, 'cockpit-district');

    const table = page.locator('#index-total details.data-table table');
    expect(await table.isVisible()).toBe(false);
    await page.click('#index-total details.data-table summary');
    expect(await table.isVisible()).toBe(true);
    expect(await table.locator('tbody tr').count()).toBe(41);

    const firstTile = page.locator('#index-total .band-tile a').first();
    const name = (await firstTile.locator('.tile-name').textContent())!;
    await firstTile.click();
    await page.waitForSelector('#district-detail h2');
    expect(await page.textContent('#district-detail h2')).toContain(name);
    expect(await page.textContent('#district-detail')).toContain('历次排名');
    // The detail sits below three grids: the page scrolls to it, or the click seems to do nothing.
    const detailTop = await page.evaluate(
      () => document.querySelector('#district-detail')!.getBoundingClientRect().top,
    );
    expect(Math.abs(detailTop)).toBeLessThan(50);
    expect(page.url()).toBe(`${baseUrl}/cockpit`);
    // No highlights in this city yet: the brand boards say so instead of an empty table.
    expect(await page.locator('#brand-board table').count()).toBe(0);
    expect(await page.textContent('#brand-board')).toContain('本年度暂无区县的改革经验');
    expect(await page.textContent('#citywide-board')).toContain(
      '本年度暂无区县的改革经验获全市推广',
    );
    await screenshot(page, 'cockpit-district-drilldown');
  });

  it('should keep a report ranking table inside a 1024-pixel window, scrolling within', async () => {
    const page = await asUser(leader);
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.goto(`${baseUrl}${districtReportPath}`);
    const widths = await page.evaluate(() => {
      const wrap = document.querySelector('#ranking')!.closest('.table-wrap')!;
      const name = document.querySelector('#ranking tbody tr td:nth-child(2)')!;
      return {
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
        wrapScrolls: wrap.scrollWidth > wrap.clientWidth,
        nameLines: Math.round(name.getBoundingClientRect().height / 20),
      };
    });
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    expect(widths.wrapScrolls).toBe(true);
    expect(widths.nameLines).toBeLessThanOrEqual(2);
    // No pilots or highlights anywhere yet: the page explains the equal top scores of those columns.
    const uniform = (await page.textContent('#ranking-uniform'))!;
    expect(uniform).toContain('承接国家级和市级试点项目数（均为 0）');
    expect(uniform).toContain('试点按时通过验收率（均为 100.0%）');
    expect(uniform).not.toContain('满意度');
    await screenshot(page, 'report-ranking-1024');
  });

  it('should highlight the own district for a district leader', async () => {
    const page = await asUser(districtLeader);
    await page.goto(`${baseUrl}/cockpit`);
    expect(await page.locator('#index-total .band-tile.own .tile-name').textContent()).toBe(
      '渝中区',
    );
  });

  it('should draw the major-project cockpit with 100 projects', async () => {
    const page = await asUser(leader);
    await page.goto(`${baseUrl}/cockpit/projects`);
    expect(await page.locator('#index-projects .band-tile').count()).toBe(100);
    expect(await page.locator('.project-card').count()).toBe(100);
    expect(await tilesDoNotOverlap(page, '#index-projects .band-tile')).toBe(true);
    expect(await tilesDoNotOverlap(page, '.project-card')).toBe(true);
    // A long name keeps its start on the chart's axis (shortened at the end), within the canvas.
    await page.waitForFunction(() =>
      Boolean(
        (window as unknown as { Chart?: { getChart(c: unknown): unknown } }).Chart?.getChart(
          document.querySelector('#index-projects canvas[data-bar-chart]'),
        ),
      ),
    );
    const axis = await page.evaluate(() => {
      const chart = (
        window as unknown as {
          Chart: {
            getChart(c: unknown): { scales: { y: { left: number; ticks: { label: string }[] } } };
          };
        }
      ).Chart.getChart(document.querySelector('#index-projects canvas[data-bar-chart]'));
      return { left: chart.scales.y.left, labels: chart.scales.y.ticks.map((tick) => tick.label) };
    });
    expect(axis.labels).toContain('成渝地区双城经济圈经济区与…');
    expect(axis.left).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'cockpit-projects');
  });
});
