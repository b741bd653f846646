import type { Browser, Page } from 'playwright-core';
import { launchBrowser, listen, loginInBrowser, screenshot } from '../helpers/browser.js';
import { createIssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

const LONG_MEASURE =
  '推进一网通办，实现高频政务服务事项全程网办、跨省通办，覆盖企业开办、不动产登记、社保医保等二十个高频事项，办理时限压缩一半以上';

describe('Browser journey: 措施迭代 · 编辑举措 starts from the chosen measure', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let projectId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: '市科技局', roles: ['entry'] });
    const office = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    projectId = (
      await createIssuedProject(testApp.dataSource, {
        unit: '市科技局',
        createdBy: office.id,
        measures: ['建立惠企政策直达机制', LONG_MEASURE],
        plans: [{ measure: 0, month: '2026-02', content: '梳理政策清单' }],
      })
    ).projectId;
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

  it('should fill the text with the picked measure, keep a hand-edited text, and show each measure whole', async () => {
    const page = await asUser(clerk);
    await page.goto(`${baseUrl}/major-projects/${projectId}/map`);
    await Promise.all([page.waitForURL(/iterations\/new$/), page.click('#new-iteration')]);
    expect(await page.inputValue('#text')).toBe('');
    // The whole text of the long measure is on screen, not cut at 40 characters.
    expect(await page.locator('#target-measures label:has-text("举措2")').innerText()).toContain(
      LONG_MEASURE,
    );
    await page.check('#target-measures label:has-text("举措2") input');
    expect(await page.inputValue('#text')).toBe(LONG_MEASURE);
    expect(await page.isChecked('input[name=kind][value=edit]')).toBe(true);
    expect(await page.textContent('[data-count-for="text"]')).toBe(
      String([...LONG_MEASURE].length),
    );
    // Switching to another measure before editing follows the choice…
    await page.check('#target-measures label:has-text("举措1") input');
    expect(await page.inputValue('#text')).toBe('建立惠企政策直达机制');
    // …but a text already changed by hand is never overwritten.
    await page.fill('#text', '建立惠企政策直达快享机制');
    await page.check('#target-measures label:has-text("举措2") input');
    expect(await page.inputValue('#text')).toBe('建立惠企政策直达快享机制');
    await screenshot(page, 'iteration-edit-measure');

    // From the map page, 编辑此举措 opens the form already on that measure. (The text typed above
    // was left unsent: forms.js would offer it back on this form, so start from a clean tab —
    // cleared once the form page is gone, whose 400 ms draft timer could otherwise save it again.)
    await page.goto(`${baseUrl}/major-projects/${projectId}/map`);
    await page.evaluate(() => window.sessionStorage.clear());
    await Promise.all([page.waitForURL(/targetMeasure=/), page.click('#edit-measure-2')]);
    expect(await page.inputValue('#text')).toBe(LONG_MEASURE);
  });
});
