import type { Browser, Page } from 'playwright-core';
import { launchBrowser, listen, loginInBrowser, STEP_TIMEOUT_MS } from '../helpers/browser.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';
import { SampleRecordsModule } from '../support/sample-records.module.js';

describe('Browser: a reviewer passes a record from 待办 with a comment and goes on with 下一条', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let reviewer: TestUser;
  const ids: string[] = [];

  beforeAll(async () => {
    testApp = await createTestApp({}, [SampleRecordsModule]);
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    const ds = testApp.dataSource;
    const clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    reviewer = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] });
    const deptUnitId = await unitIdByCode(ds, '市发展改革委');
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    for (const title of ['逐条审核一', '逐条审核二']) {
      const response = await session.post('/samples', {
        type: 'sample_office',
        title,
        competentUnitId: String(deptUnitId),
        submit: '1',
      });
      ids.push(String(response.headers.location).split('/').pop()!);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  it('should keep keyboard focus on 下一条待办 after 通过, and show the comment in the timeline', async () => {
    const page: Page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await loginInBrowser(page, baseUrl, reviewer.mobile, reviewer.password);
    await page.goto(`${baseUrl}/inbox`);
    expect(await page.textContent('#inbox-filters ~ form thead')).toContain('等待天数');
    const [first] = ids;
    await Promise.all([page.waitForURL(`**/samples/${first}`), page.click(`#inbox-${first} a`)]);
    await page.fill(`#record-${first}-pass-comment`, '同意上报');
    await page.click(`#record-${first}-pass`);
    await page.waitForSelector(`#record-${first}-timeline:has-text("同意上报")`);
    await page.waitForFunction(() => document.activeElement?.id.endsWith('-next') === true);
    const nextHref = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    expect(nextHref).toBe(`/samples/${ids[1]}`);
  });
});
