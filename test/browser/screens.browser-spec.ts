import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { ARTIFACTS_DIR, launchBrowser, listen, loginInBrowser } from '../helpers/browser.js';
import { createIssuedProject } from '../helpers/major-projects.fixture.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

/** Pages in a PDF, read from its bytes: one `/Type /Page` object per page (not `/Pages`). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

/**
 * Every screen (issue 21 §2): a phone at 390 px reads every page without sideways scrolling (the
 * menu is a drawer), the district cockpit has a wall-screen mode at 1920×1080, the five bands
 * carry their numbers, and the cockpit prints as a short A4 briefing.
 */
describe('Browser: phone, wall screen, colour and print', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let leader: TestUser;
  let clerk: TestUser;
  let reviewer: TestUser;
  let districtReportPath = '';
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    const ds = testApp.dataSource;
    const office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    leader = await createUser(ds, { unitCode: '市委改革办', roles: ['leader'] });
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    reviewer = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] });
    const survey = await createUser(ds, { unitCode: '市社情民意调查中心', roles: ['entry'] });

    const districts = await ds.query<{ id: number }[]>(
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

    const departments = await ds.query<{ name: string }[]>(
      `SELECT name FROM units WHERE kind = 'department' AND active ORDER BY sort_order LIMIT 12`,
    );
    for (let index = 0; index < 12; index += 1) {
      await createIssuedProject(ds, {
        unit: departments[index].name,
        createdBy: office.id,
        name:
          index === 0
            ? '成渝地区双城经济圈经济区与行政区适度分离改革'
            : `重大改革项目第${index + 1}号`,
        planYear: 2026,
      });
    }
    expect(
      (await officeSession.post('/reports', { kind: 'major_project', period: '2026-B5' })).status,
    ).toBe(303);

    // A submitted demand with a long title: the ledger and the reviewer's inbox have a row.
    const dictionaryId = async (kind: string, code: string) =>
      (
        await ds.query<{ id: number }[]>(
          `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
          [kind, code],
        )
      )[0].id;
    const clerkSession = await login(testApp.server, clerk.mobile, clerk.password);
    const demand = await clerkSession.post('/demands', {
      title: '建立跨区域政务服务协同机制推动川渝两地高频事项异地通办和结果互认',
      description: '群众企业基层有期盼：跨区域办事需多地跑。拟建立跨区域通办机制。',
      channelId: String(await dictionaryId('demand_channel', 'public_expectation')),
      domainId: String(await dictionaryId('domain', 'economy')),
      trackId: String(await dictionaryId('track', 'business_environment')),
    });
    const demandId = String(demand.headers.location).split('/').pop()!;
    await clerkSession.htmx('post', `/records/${demandId}/transitions`, { action: 'submit' });
  }, 180_000);

  afterAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, 'screens-figures.json'), JSON.stringify(figures, null, 2));
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (
    user: TestUser,
    viewport: { width: number; height: number },
    javaScriptEnabled = true,
  ): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser.newContext({ viewport, javaScriptEnabled });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await loginInBrowser(page, baseUrl, user.mobile, user.password);
    return { page, errors };
  };

  const chartsDrawn = (page: Page) =>
    page.waitForFunction(() => {
      const chart = (window as unknown as { Chart?: { getChart(c: unknown): unknown } }).Chart;
      const canvases = Array.from(document.querySelectorAll('canvas'));
      return chart !== undefined && canvases.every((canvas) => chart.getChart(canvas));
    });

  const widths = (page: Page) =>
    page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));

  it('should fit home, inbox, a filing form, a ledger, both cockpits and a ranking in 390 px', async () => {
    const phone = { width: 390, height: 844 };
    const pages: [TestUser, string, string][] = [
      [clerk, 'home', '/'],
      [reviewer, 'inbox', '/inbox'],
      [clerk, 'filing form', '/demands/new'],
      [clerk, 'ledger', '/demands'],
      [leader, 'district cockpit', '/cockpit'],
      [leader, 'project cockpit', '/cockpit/projects'],
      [leader, 'ranking', districtReportPath],
    ];
    const measured: Record<string, number> = {};
    const sessions = new Map<TestUser, Page>();
    for (const [user, name, path] of pages) {
      let page = sessions.get(user);
      if (!page) {
        page = (await asUser(user, phone)).page;
        sessions.set(user, page);
      }
      await page.goto(`${baseUrl}${path}`);
      if (path.startsWith('/cockpit')) {
        await chartsDrawn(page);
      }
      const size = await widths(page);
      measured[name] = size.scrollWidth;
      await page.screenshot({
        path: join(ARTIFACTS_DIR, `phone-${name.replaceAll(' ', '-')}.png`),
      });
    }
    figures.phoneWidths = measured;
    for (const width of Object.values(measured)) {
      expect(width).toBeLessThanOrEqual(phone.width);
    }

    // The title reads on one line, not one character a line.
    const page = sessions.get(leader)!;
    await page.goto(`${baseUrl}/cockpit`);
    const title = await page.evaluate(() => {
      const h1 = document.querySelector('h1')!;
      return { height: h1.getBoundingClientRect().height, width: h1.getBoundingClientRect().width };
    });
    expect(title.width).toBeGreaterThan(300);
    expect(title.height).toBeLessThan(120);

    // The menu is a drawer: closed at first, opened by its button, its links then on screen.
    const firstLink = page.locator('.sidenav a').first();
    expect(await firstLink.isVisible()).toBe(false);
    await page.click('.nav-toggle-button');
    expect(await firstLink.isVisible()).toBe(true);
    const box = (await firstLink.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(phone.width);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'phone-drawer-open.png') });
    // The panels stack one under the other, each within the screen, the charts inside them.
    const panels = await page.$$eval('.cockpit-panel, canvas', (elements) =>
      elements.map((element) => element.getBoundingClientRect().right),
    );
    panels.forEach((right) => expect(right).toBeLessThanOrEqual(phone.width));
  });

  it('should open and close the phone menu without JavaScript', async () => {
    const { page } = await asUser(clerk, { width: 390, height: 844 }, false);
    await page.goto(`${baseUrl}/demands`);
    const ledgerLink = page.locator('.sidenav a[href="/demands"]');
    expect(await ledgerLink.isVisible()).toBe(false);
    await page.click('.nav-toggle-button');
    expect(await ledgerLink.isVisible()).toBe(true);
    await page.click('.nav-close');
    expect(await ledgerLink.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
  });

  it('should show the district cockpit on a 1920×1080 wall screen without the menu, with larger labels', async () => {
    const { page, errors } = await asUser(leader, { width: 1920, height: 1080 });
    await page.goto(`${baseUrl}/cockpit`);
    await page.click('a[href^="/cockpit/wall"]');
    await page.waitForURL((url) => url.pathname === '/cockpit/wall');
    await chartsDrawn(page);
    expect(await page.locator('.sidenav').count()).toBe(0);
    expect(await page.locator('#index-total .band-tile').count()).toBe(41);
    const layout = await page.evaluate(() => {
      const main = document.querySelector('main')!.getBoundingClientRect();
      const name = document.querySelector('#index-total .tile-name')!;
      const refresh = document.querySelector('[data-refresh-seconds]');
      return {
        mainWidth: main.width,
        tileNameSize: parseFloat(getComputedStyle(name).fontSize),
        refreshSeconds: Number(refresh?.getAttribute('data-refresh-seconds')),
        scrollWidth: document.documentElement.scrollWidth,
        scrollHeight: document.documentElement.scrollHeight,
      };
    });
    figures.wall = layout;
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'cockpit-wall-1920.png') });
    expect(layout.mainWidth).toBeGreaterThan(1800);
    expect(layout.scrollWidth).toBeLessThanOrEqual(1920);
    // The total index and the key figures fit the screen: nobody scrolls a wall.
    expect(layout.scrollHeight).toBeLessThanOrEqual(1080);
    expect(layout.tileNameSize).toBeGreaterThanOrEqual(18);
    expect(layout.refreshSeconds).toBeGreaterThanOrEqual(60);
    // The refresh reloads the figures in place: run it now instead of waiting minutes.
    await page.evaluate(() =>
      (window as unknown as { cockpitRefresh(): Promise<void> }).cockpitRefresh(),
    );
    await chartsDrawn(page);
    expect(await page.locator('#index-total .band-tile').count()).toBe(41);
    expect(errors).toEqual([]);
  });

  it('should write each tile’s band number on it, beside the colour', async () => {
    const { page } = await asUser(leader, { width: 1366, height: 900 });
    await page.goto(`${baseUrl}/cockpit`);
    const tiles = await page.$$eval('#index-total .band-tile', (elements) =>
      elements.map((element) => ({
        band: Number(/band-(\d)/.exec(element.className)![1]),
        number: element.querySelector('.tile-band-number')?.textContent?.trim(),
      })),
    );
    expect(tiles).toHaveLength(41);
    for (const tile of tiles) {
      expect(tile.number).toBe(String(tile.band + 1));
    }
    // The bars carry the same numbers (drawn by the chart, read from its data).
    const numerals = await page.evaluate(
      () =>
        (
          JSON.parse(document.getElementById('index-total-data')!.textContent ?? '{}') as {
            numerals: string[];
          }
        ).numerals,
    );
    expect(numerals).toEqual(tiles.map((tile) => String(tile.band + 1)));
    expect(new Set(tiles.map((tile) => tile.band)).size).toBe(5);
  });

  it('should print the district cockpit as a 2–4 page A4 briefing', async () => {
    const { page } = await asUser(leader, { width: 1366, height: 900 });
    await page.goto(`${baseUrl}/cockpit`);
    await chartsDrawn(page);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    // What the printout looks like, as an image beside the PDF (A4 at 96 dpi).
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 718, height: 1000 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'cockpit-print.png'), fullPage: true });
    writeFileSync(join(ARTIFACTS_DIR, 'cockpit-briefing.pdf'), pdf);
    const pages = pdfPageCount(pdf);
    figures.printedPages = pages;
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(4);
  });

  it('should print a report’s briefing (简报) as an A4 PDF of a few pages, its 五色图 in colour', async () => {
    const { page } = await asUser(leader, { width: 1366, height: 900 });
    await page.goto(`${baseUrl}${districtReportPath}`);
    await page.click('a[href$="/briefing"]');
    await page.waitForSelector('#briefing');
    expect(await page.locator('#briefing .band-tile').count()).toBe(41);
    const pdf = await page.pdf({ format: 'A4' });
    writeFileSync(join(ARTIFACTS_DIR, 'report-briefing.pdf'), pdf);
    const pages = pdfPageCount(pdf);
    figures.briefingPages = pages;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(4);
  });
});
