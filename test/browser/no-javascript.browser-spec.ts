import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { launchBrowser, listen, loginInBrowser, STEP_TIMEOUT_MS } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

/**
 * With JavaScript off (an old or locked-down browser) the app still works as plain HTML: the
 * login form posts, a ledger reads, a filing form posts and lands on its record; the 涉密 toggle
 * hides the uploader by CSS alone. And the skip link is the first thing a keyboard reaches.
 */
describe('Browser: pages without JavaScript, and the skip link', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const newPage = async (javaScriptEnabled: boolean): Promise<Page> => {
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    return page;
  };

  it('should log in, read a ledger and file a record with JavaScript off', async () => {
    const page = await newPage(false);
    await loginInBrowser(page, baseUrl, clerk.mobile, clerk.password);
    await page.goto(`${baseUrl}/showcase`);
    expect(await page.textContent('h1')).toContain('成效晾晒');

    await page.goto(`${baseUrl}/showcase/new`);
    // The 涉密 box hides the uploader and shows the note: a CSS sibling rule, no script.
    expect(await page.isVisible('#showcase-form-evidence-upload .uploader')).toBe(true);
    await page.check('input[name=evidenceClassified]');
    expect(await page.isVisible('#showcase-form-evidence-upload .uploader')).toBe(false);
    expect(await page.isVisible('#showcase-form-evidence-upload .classified-note')).toBe(true);

    await page.fill('#matter', '无脚本也能填报的改革经验');
    await page.check('input[name=category][value=citywide]');
    await page.selectOption('#subKindId', { label: '④改革经验被列入市委“最佳实践”案例' });
    await page.fill('#happenedOn', '2026-06-18');
    await page.fill('#problemsSolved', '问题。');
    await page.fill('#results', '成效。');
    await Promise.all([
      page.waitForURL(/\/showcase\/[0-9a-f-]{36}$/),
      page.click('#showcase-form button[value="1"]'),
    ]);
    expect(await page.textContent('main')).toContain('无脚本也能填报的改革经验');
  });

  it('should reach the skip link with the first Tab and land on the content', async () => {
    const page = await newPage(true);
    await loginInBrowser(page, baseUrl, clerk.mobile, clerk.password);
    await page.goto(`${baseUrl}/showcase`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文');
    expect(await page.isVisible('.skip-link')).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });
});
