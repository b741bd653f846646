import type { Browser, Page } from 'playwright-core';
import { launchBrowser, listen, loginInBrowser, screenshot } from '../helpers/browser.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/**
 * After 撤回 or an office 确认 the record page shows its new state at once: the htmx answer
 * re-renders the page's main region (status, buttons, forms shown only in some states) and the
 * navigation's counts, without reloading the page.
 */
describe('Browser journey: a record page follows its state after 撤回 and 确认 without a reload', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let cast: Record<'clerk' | 'reviewer' | 'office' | 'districtClerk', TestUser>;

  const dictionaryId = async (kind: string, code: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
        [kind, code],
      )
    )[0].id;

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    const ds = testApp.dataSource;
    cast = {
      clerk: await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] }),
      reviewer: await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
      districtClerk: await createUser(ds, { unitCode: 'beibei', roles: ['entry'] }),
    };
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
  /** A mark that a reload would wipe out. */
  const markPage = (page: Page) =>
    page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
  const stillSamePage = (page: Page) =>
    page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

  const submittedDemand = async (): Promise<string> => {
    const clerk = await login(testApp.server, cast.clerk.mobile, cast.clerk.password);
    const created = await clerk.post('/demands', {
      title: '建立跨区域政务服务协同机制',
      description: '群众企业基层有期盼：跨区域办事需多地跑。拟建立跨区域通办机制。',
      channelId: String(await dictionaryId('demand_channel', 'public_expectation')),
      domainId: String(await dictionaryId('domain', 'economy')),
      submit: '1',
    });
    expect(created.status).toBe(303);
    return String(created.headers.location).split('/').pop()!;
  };

  it('should show the office the approved demand and its lower 待办 count after 确认, and the clerk the edit form after 撤回', async () => {
    const id = await submittedDemand();
    const reviewer = await login(testApp.server, cast.reviewer.mobile, cast.reviewer.password);
    await reviewer.htmx('post', `/records/${id}/transitions`, { action: 'pass' });

    const office = await asUser(cast.office);
    await office.goto(`${baseUrl}/demands/${id}`);
    expect(await office.textContent('#nav-badge-inbox')).toBe('1');
    await markPage(office);
    await office.click(`#record-${id}-confirm`);
    await office.waitForSelector(`#record-${id}-state:has-text("已通过")`);
    expect(await office.isHidden('#nav-badge-inbox')).toBe(true);
    expect(await office.textContent('#flash')).toContain('已确认');
    expect(await office.locator(`#record-${id}-confirm`).count()).toBe(0);
    expect(await stillSamePage(office)).toBe(true);
    expect(office.url()).toBe(`${baseUrl}/demands/${id}`);
    await screenshot(office, 'record-refresh-confirmed');

    // The clerk withdraws a second demand while it waits for the reviewer: the read-only page
    // turns into the edit form, with its 保存并上报 button.
    const second = await submittedDemand();
    const clerk = await asUser(cast.clerk);
    await clerk.goto(`${baseUrl}/demands/${second}`);
    expect(await clerk.locator('#demand-form').count()).toBe(0);
    await markPage(clerk);
    await clerk.click(`#record-${second}-withdraw`);
    await clerk.waitForSelector('#demand-form');
    expect(await clerk.inputValue('#title')).toBe('建立跨区域政务服务协同机制');
    expect(await clerk.textContent(`#record-${second}-state`)).toContain('草稿');
    expect(await stillSamePage(clerk)).toBe(true);
  });

  it('should turn a withdrawn pilot back into its form, with the 已撤回 message', async () => {
    const clerkSession = await login(
      testApp.server,
      cast.districtClerk.mobile,
      cast.districtClerk.password,
    );
    const created = await clerkSession.post('/pilots', {
      name: '数字政府建设试点',
      level: 'national',
      documentTitle: '关于开展数字政府建设试点的通知',
      documentNumber: '国办函〔2023〕12号',
      issuer: '国务院办公厅',
      deployedOn: '2023-03-01',
      competentUnitId: String(await unitIdByCode(testApp.dataSource, '市科技局')),
      acceptanceDue: '2026-12-31',
      domainId: String(await dictionaryId('domain', 'economy')),
      documentClassified: 'on',
      submit: '1',
    });
    const id = String(created.headers.location).split('/').pop()!;

    const page = await asUser(cast.districtClerk);
    await page.goto(`${baseUrl}/pilots/${id}`);
    expect(await page.locator('#pilot-form').count()).toBe(0);
    expect(await page.textContent(`#record-${id}-state`)).toContain('审核中');
    await markPage(page);
    await page.click(`#record-${id}-withdraw`);
    await page.waitForSelector('#pilot-form');
    expect(await page.inputValue('#documentNumber')).toBe('国办函〔2023〕12号');
    expect(await page.textContent('#flash')).toContain('已撤回');
    expect(await stillSamePage(page)).toBe(true);
    await screenshot(page, 'record-refresh-withdrawn');
  });
});
