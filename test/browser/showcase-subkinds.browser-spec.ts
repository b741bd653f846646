import type { Browser, Page } from 'playwright-core';
import { launchBrowser, listen, loginInBrowser, screenshot } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Browser journey: the 具体情形 list of a highlight follows the chosen 类别', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ evaluationYearStart: '2026-01-01' });
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: 'dazu', roles: ['entry'] });
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
  /** The labels of the sub-kinds one can pick now (enabled and shown). */
  const choosable = (page: Page): Promise<string[]> =>
    page.$$eval('#subKindId optgroup', (groups) =>
      (groups as HTMLOptGroupElement[])
        .filter((group) => !group.disabled && !group.hidden)
        .map((group) => group.label),
    );

  it('should offer only the chosen category’s sub-kinds and drop a choice of another category', async () => {
    const page = await asUser(clerk);
    await page.goto(`${baseUrl}/showcase/new`);
    // No category yet: every group is offered.
    expect((await choosable(page)).length).toBe(3);

    await page.check('input[name=category][value=national]');
    expect(await choosable(page)).toHaveLength(1);
    const nationalOption = page.locator('#subKindId optgroup:not([disabled]) option').first();
    const nationalValue = (await nationalOption.getAttribute('value'))!;
    await page.selectOption('#subKindId', nationalValue);
    expect(await page.inputValue('#subKindId')).toBe(nationalValue);

    await page.check('input[name=category][value=citywide]');
    const groups = await choosable(page);
    expect(groups).toHaveLength(1);
    expect(await page.inputValue('#subKindId')).toBe('');
    // The 国家 option cannot be picked any more; a 市级 one can.
    expect(
      await page.$eval(`#subKindId option[value="${nationalValue}"]`, (option) =>
        (option as HTMLOptionElement).parentElement instanceof HTMLOptGroupElement
          ? (option.parentElement as HTMLOptGroupElement).disabled
          : false,
      ),
    ).toBe(true);
    await page.selectOption('#subKindId', { label: '④改革经验被列入市委“最佳实践”案例' });
    expect(await page.inputValue('#subKindId')).not.toBe('');
    await screenshot(page, 'showcase-subkinds-filtered');
  });
});
