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

describe('Browser journey: the office drops an indicator from a draft system, takes it back by another method, and puts the version in force', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let office: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asOffice = async (): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await loginInBrowser(page, baseUrl, office.mobile, office.password);
    return page;
  };

  const submit = (page: Page, selector: string) =>
    Promise.all([page.waitForLoadState(), page.click(selector)]);

  it('should keep the edits of one save together and show the points total and the defaults taken', async () => {
    const page = await asOffice();
    await page.goto(`${baseUrl}/indicator-systems?kind=district`);
    await Promise.all([
      page.waitForURL(/\/indicator-systems\/\d+$/),
      page.click('form[action="/indicator-systems/drafts"] button'),
    ]);
    expect(await page.textContent('#points-total')).toContain('计分指标合计 100 分');

    // Drop 5家中央媒体深度报道 and raise 全市推广 to 25 in one save.
    await page.check('input[name="ind-central_media-remove"]');
    await page.fill('input[name="ind-citywide_promotion-points"]', '25');
    await submit(page, '#system-form button[type="submit"]');
    expect(await page.textContent('.flash')).toContain('草稿已保存');
    expect(await page.locator('input[name="ind-central_media-name"]').count()).toBe(0);
    // 20 + 10 + 25 + 25 + 20 = 100 again.
    expect(await page.textContent('#points-total')).toContain('计分指标合计 100 分');

    // Take it back under 品牌显示度 by the single-tier method, with a typo in the points first.
    await page.selectOption('#add-code', 'central_media');
    await page.selectOption('#add-firstLevel', 'brand');
    await page.fill('#add-points', '十');
    await page.fill('#note', '中央媒体报道改为单档计分');
    await page.selectOption('#add-method', 'single_tier');
    await submit(page, '#system-form button[type="submit"]');
    expect(await page.textContent('#system-error')).toContain('分值“十”不是数');
    // Nothing typed is lost: the new row is on the page with its wrong points, the note kept.
    expect(await page.inputValue('input[name="ind-central_media-points"]')).toBe('十');
    // The refused save already shows the row with the method's default coefficients.
    expect(await page.inputValue('input[name="ind-central_media-high"]')).toBe('1.0');
    expect(await page.inputValue('#note')).toBe('中央媒体报道改为单档计分');
    expect(await page.inputValue('input[name="ind-citywide_promotion-points"]')).toBe('25');

    await page.fill('input[name="ind-central_media-points"]', '5');
    await submit(page, '#system-form button[type="submit"]');
    expect(await page.textContent('.flash')).toContain('草稿已保存');
    expect(await page.inputValue('input[name="ind-central_media-low"]')).toBe('0.8');
    // 20 + 10 + 25 + 25 + 5 + 20 = 105: saved, with a warning beside the total.
    expect(await page.textContent('#points-total')).toContain('105 分（不是 100 分');
    await screenshot(page, 'indicator-system-draft');

    // The saved draft can be tried on the what-if page before it is put in force.
    const draftUrl = page.url();
    await Promise.all([
      page.waitForURL(/\/what-if\?system=\d+$/),
      page.click('a[href^="/what-if?system="]'),
    ]);
    expect(await page.textContent('#system option:checked')).toContain('第 2 版（草稿）');
    // It lists the draft's indicators, the re-added 中央媒体 among them.
    expect(await page.textContent('main')).toContain('5家中央媒体深度报道（central_media）');
    await page.goto(draftUrl);

    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([
      page.waitForURL(/\/indicator-systems\?kind=district$/),
      page.click('form[action$="/activate"] button'),
    ]);
    expect(await page.textContent('.flash')).toContain('第 2 版已启用');
    const [active] = await testApp.dataSource.query<
      { version: number; definition: { indicators: { code: string; method: object }[] } }[]
    >(
      `SELECT version, definition FROM indicator_systems WHERE kind = 'district' AND status = 'active'`,
    );
    expect(active.version).toBe(2);
    expect(active.definition.indicators.find((i) => i.code === 'central_media')!.method).toEqual({
      kind: 'single_tier',
      low: '0.8',
      high: '1.0',
    });
  });
});
