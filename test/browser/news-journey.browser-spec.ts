import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { detectFileKind } from '../../src/attachments/file-type.js';
import { chinaDate } from '../../src/common/time/china-time.js';
import { launchBrowser, listen, loginInBrowser, screenshot } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17, 1),
]);

describe('Browser journey: a district files 工作动态, it is approved, adopted into 《改革简报》 (print, Word), and its 采用数 rises', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let tongnan: number;

  beforeAll(async () => {
    // The app's own clock: submissions are stamped by the database, so "this month" is real.
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: 'tongnan', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, { unitCode: 'tongnan', roles: ['reviewer'] });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    tongnan = await unitIdByCode(testApp.dataSource, 'tongnan');
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (user: TestUser): Promise<Page> => {
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    page.setDefaultTimeout(8000);
    await loginInBrowser(page, baseUrl, user.mobile, user.password);
    return page;
  };
  /** The 采用数 cell of 潼南区 on the 通报 page (undefined when the unit has no row). */
  const adoptedOnStats = async (page: Page) => {
    await page.goto(`${baseUrl}/news/stats`);
    const row = page.locator(`#news-stats-unit-${tongnan} td`);
    return (await row.count()) === 0 ? undefined : (await row.nth(5).textContent())?.trim();
  };
  /** The 工作动态采用 cell (the last) of 潼南区 in 系统使用情况考评. */
  const adoptedOnUsage = async (page: Page) => {
    await page.goto(`${baseUrl}/usage?kind=district`);
    return (await page.locator(`#usage-unit-${tongnan} td.news-adopted`).textContent())?.trim();
  };

  it('should carry a 工作动态 from the district to a printed and downloaded 简报, counting the adoption', async () => {
    const today = chinaDate(new Date());
    const page = await asUser(clerk);
    await page.goto(`${baseUrl}/news`);
    await Promise.all([page.waitForURL(`${baseUrl}/news/new`), page.click('a[href="/news/new"]')]);
    await page.fill('#occurredOn', today);
    await page.selectOption('#domainId', { index: 1 });
    await page.fill('#body', '潼南区推行“一窗综办”。\n\n群众办事时间缩短一半。');
    expect(await page.textContent('[data-count-for="body"]')).toBe(
      String(Array.from('潼南区推行“一窗综办”。\n\n群众办事时间缩短一半。').length),
    );
    await page.setInputFiles('#news-form-images-input', {
      name: '现场.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await page.waitForSelector('#news-form-images-files li');
    // 标题 left out: the message sits next to the field, everything else is kept.
    await Promise.all([page.waitForLoadState(), page.click('#news-form button[value="1"]')]);
    expect(await page.textContent('#title-error')).toBe('请填写标题');
    expect(await page.inputValue('#body')).toContain('群众办事时间缩短一半。');
    expect(await page.locator('#news-form-images-files li').count()).toBe(1);
    await page.fill('#title', '潼南区“一窗综办”改革见成效');
    await Promise.all([
      page.waitForURL(/\/news\/[0-9a-f-]{36}$/),
      page.click('#news-form button[value="1"]'),
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

    // Filed and approved, not yet adopted.
    expect(await adoptedOnStats(officePage)).toBe('0');
    expect(await adoptedOnUsage(officePage)).toBe('0');

    // 系统发布.
    await officePage.goto(url);
    await officePage.check('#news-use-form input[value="published"]');
    await Promise.all([officePage.waitForURL(url), officePage.click('#news-use-form button')]);
    expect(await officePage.textContent('#news-uses')).toContain('系统发布');

    // Compose the issue: choose the item, edit its title for the issue, preview.
    await officePage.goto(`${baseUrl}/news/bulletins/new`);
    const row = officePage.locator(`#bulletin-candidate-${id}`);
    await row.locator('input[name="items"]').check();
    await row.locator('input[name="order"]').fill('1');
    await row.locator('input[name="itemTitle"]').fill('潼南区：“一窗综办”让群众少跑腿');
    await officePage.fill('#editorNote', '潼南区的做法值得借鉴。');
    await Promise.all([
      officePage.waitForURL(/\/news\/bulletins\/[0-9a-f-]{36}$/),
      officePage.click('#bulletin-form button[type="submit"]'),
    ]);
    expect(await officePage.textContent('.bulletin-masthead')).toBe('改革简报');
    expect(await officePage.textContent('#bulletin-item-1 h2')).toBe(
      '潼南区：“一窗综办”让群众少跑腿',
    );
    await Promise.all([
      officePage.waitForLoadState(),
      officePage.click('#bulletin-publish button'),
    ]);
    expect(await officePage.locator('#bulletin-publish').count()).toBe(0);

    // Print: the A4 sheet alone, the masthead in red.
    await officePage.emulateMedia({ media: 'print' });
    expect(await officePage.isVisible('.topbar')).toBe(false);
    expect(await officePage.isVisible('#bulletin-print')).toBe(false);
    expect(await officePage.isVisible('.bulletin-masthead')).toBe(true);
    expect(
      await officePage.$eval('.bulletin-masthead', (element) => getComputedStyle(element).color),
    ).toBe('rgb(230, 0, 18)');
    await screenshot(officePage, 'news-bulletin-print');
    await officePage.emulateMedia({ media: 'screen' });

    // Word download, by the district's clerk (a published issue is everyone's).
    await page.goto(`${baseUrl}/news/bulletins`);
    await page.click('#bulletins a:has-text("期")');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#bulletin-docx'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^改革简报\d{4}年第1期\.docx$/);
    const content = readFileSync(await download.path());
    expect(detectFileKind(content, 'x.docx')).toBe('docx');

    // The adoption counts: on the 通报 and in 系统使用情况考评.
    expect(await adoptedOnStats(officePage)).toBe('1');
    expect(await adoptedOnUsage(officePage)).toBe('1');

    // And the district's item is in the feed and on the home page, with its image.
    await page.goto(`${baseUrl}/`);
    await Promise.all([
      page.waitForURL(`${baseUrl}/news/feed/${id}`),
      page.click(`#home-news a[href="/news/feed/${id}"]`),
    ]);
    const src = await page.getAttribute('#news-images img', 'src');
    expect(src).toMatch(new RegExp(`^/news/feed/${id}/images/[0-9a-f-]{36}$`));
    const image = await page.request.get(`${baseUrl}${src}`);
    expect(image.status()).toBe(200);
    expect(image.headers()['content-type']).toBe('image/png');
  });
});
