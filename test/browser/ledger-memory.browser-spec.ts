import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  listen,
  loginInBrowser,
  screenshot,
  STEP_TIMEOUT_MS,
} from '../helpers/browser.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Browser: a ledger remembers its filters, keeps its header and first column in view, sorts by header', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let domainId: number;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    const ds = testApp.dataSource;
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'], name: '渝中录入员' });
    const id = async (kind: string, code: string) =>
      (
        await ds.query<{ id: number }[]>(
          `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
          [kind, code],
        )
      )[0].id;
    domainId = await id('domain', 'economy');
    const channelId = await id('demand_channel', 'public_expectation');
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    // Enough drafts of one domain that the ledger's box scrolls at a short window.
    for (let index = 1; index <= 24; index += 1) {
      const response = await session.post('/demands', {
        title: `台账记忆测试需求${String(index).padStart(2, '0')}`,
        description: '用于检查台账筛选记忆与表头固定。',
        channelId: String(channelId),
        domainId: String(domainId),
      });
      expect(response.status).toBe(303);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asClerk = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 600 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await loginInBrowser(page, baseUrl, clerk.mobile, clerk.password);
    return page;
  };

  it('should return to the filtered list through the menu and from a record, with a sticky header', async () => {
    const page = await asClerk();
    const filtered = `/demands?q=${encodeURIComponent('台账记忆')}&domain=${domainId}&state=draft`;
    await page.goto(`${baseUrl}${filtered}`);
    await page.waitForSelector('.ledger-scroll table#demands');

    // The header stays at the top of the scroll box while the rows scroll under it.
    const box = page.locator('.ledger-scroll');
    await box.evaluate((element) => {
      element.scrollTop = 400;
    });
    const scrolled = await box.evaluate((element) => element.scrollTop);
    expect(scrolled).toBeGreaterThan(0);
    const [boxTop, headerTop, firstRowTop] = await page.evaluate(() => {
      const scroll = document.querySelector('.ledger-scroll')!.getBoundingClientRect().top;
      const header = document.querySelector('#demands thead th')!.getBoundingClientRect().top;
      const row = document.querySelector('#demands tbody tr')!.getBoundingClientRect().top;
      return [scroll, header, row];
    });
    expect(Math.abs(headerTop - boxTop)).toBeLessThanOrEqual(2);
    expect(firstRowTop).toBeLessThan(boxTop);
    expect(await page.$eval('#demands tbody td', (cell) => getComputedStyle(cell).position)).toBe(
      'sticky',
    );
    await screenshot(page, 'ledger-sticky-header');

    // The sortable headers link to the ledger's order, keeping the filters.
    const titleSort = await page.getAttribute('#demands th[data-sort="title"] a', 'href');
    expect(titleSort).toContain('sort=title');
    expect(titleSort).toContain(`domain=${domainId}`);

    // Into a record and back through 返回列表: the same filtered list.
    await Promise.all([
      page.waitForURL(/\/demands\/[0-9a-f-]{36}$/),
      page.click('#demands tbody tr:first-child a'),
    ]);
    await Promise.all([
      page.waitForURL((url) => url.search.includes('state=draft')),
      page.click('#back-to-ledger'),
    ]);
    expect(new URL(page.url()).search).toBe(new URL(`${baseUrl}${filtered}`).search);

    // Elsewhere, then the menu's link to the ledger: the filters again.
    await page.goto(`${baseUrl}/my-submissions`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/demands'),
      page.click('nav.sidenav a[href="/demands"]'),
    ]);
    expect(new URL(page.url()).search).toBe(new URL(`${baseUrl}${filtered}`).search);
    expect(await page.inputValue('#demand-filters input[name="q"]')).toBe('台账记忆');

    // 清除 empties the filters, and the menu then opens the whole list.
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/demands' && url.search === ''),
      page.click('#demand-filters a:has-text("清除")'),
    ]);
    await page.goto(`${baseUrl}/my-submissions`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/demands'),
      page.click('nav.sidenav a[href="/demands"]'),
    ]);
    expect(new URL(page.url()).search).toBe('');
  });
});
