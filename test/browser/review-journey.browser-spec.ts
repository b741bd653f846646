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
import { SampleRecordsModule } from '../support/sample-records.module.js';

describe('Browser journey: submit, reject with a reason, fix, resubmit, pass, approve', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({}, [SampleRecordsModule]);
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, {
      unitCode: 'yuzhong',
      roles: ['entry'],
      name: '渝中录入员',
    });
    reviewer = await createUser(testApp.dataSource, {
      unitCode: 'yuzhong',
      roles: ['reviewer'],
      name: '渝中审核员',
    });
    office = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
      name: '改革办审核员',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (user: TestUser): Promise<Page> => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await loginInBrowser(page, baseUrl, user.mobile, user.password);
    return page;
  };

  it('should carry a record through the whole chain with htmx actions', async () => {
    // The clerk fills the form, uploads evidence and submits.
    const clerkPage = await asUser(clerk);
    await clerkPage.goto(`${baseUrl}/samples/new`);
    await clerkPage.fill('#title', '建立跨区域协同审批机制');
    await clerkPage.setInputFiles('#sample-form-evidence-input', {
      name: '会议通知.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n'),
    });
    await clerkPage.waitForSelector('#sample-form-evidence-files .attachment-chip');
    await Promise.all([
      clerkPage.waitForURL(/\/samples\/[0-9a-f-]{36}$/),
      clerkPage.click('button[name=submit][value="1"]'),
    ]);
    const recordUrl = clerkPage.url();
    const id = recordUrl.split('/').pop()!;
    // Back to the filled form and 保存并上报 again: the same record, not a second one.
    await clerkPage.goBack();
    expect(await clerkPage.inputValue('#title')).toBe('建立跨区域协同审批机制');
    await Promise.all([
      clerkPage.waitForURL(recordUrl),
      clerkPage.click('button[name=submit][value="1"]'),
    ]);
    expect(await clerkPage.textContent('#flash')).toContain('该表单已经提交过，没有重复保存');
    expect(await clerkPage.textContent(`#record-${id}-state`)).toContain('审核中');
    expect(await clerkPage.textContent('#evidence-files')).toContain('会议通知.pdf');

    // The reviewer finds it in the inbox (with a count) and rejects it with a reason.
    const reviewerPage = await asUser(reviewer);
    expect(await reviewerPage.textContent('nav.sidenav')).toMatch(/待办\s*1/);
    await reviewerPage.goto(`${baseUrl}/inbox`);
    await Promise.all([reviewerPage.waitForURL(recordUrl), reviewerPage.click(`#inbox-${id} a`)]);
    await reviewerPage.click(`#record-${id}-actions details summary:has-text("驳回")`);
    // Without a reason the app (not the browser's own bubble) says what is missing, next to the
    // field, and keeps the detail typed.
    await reviewerPage.fill(`#reject-detail-${id}`, '请补充会议纪要');
    await reviewerPage.click(`#record-${id}-actions button:has-text("确认驳回")`);
    await reviewerPage.waitForSelector(
      `#record-${id}-actions .field-error:has-text("请选择驳回理由")`,
    );
    expect(await reviewerPage.inputValue(`#reject-detail-${id}`)).toBe('请补充会议纪要');
    expect(await reviewerPage.textContent(`#record-${id}-state`)).toContain('审核中');
    await reviewerPage.selectOption(`#reject-reason-${id}`, { label: '佐证材料不足' });
    await reviewerPage.fill(`#reject-detail-${id}`, '请补充会议纪要');
    await reviewerPage.click(`#record-${id}-actions button:has-text("确认驳回")`);
    await reviewerPage.waitForSelector(`#record-${id}-state:has-text("已退回")`);
    // The navigation's 待办 count follows the action without a reload.
    expect(await reviewerPage.isHidden('#nav-badge-inbox')).toBe(true);
    expect(await reviewerPage.textContent('nav.sidenav')).not.toMatch(/待办\s*1/);

    // The clerk sees the reason prominently and resubmits.
    await clerkPage.goto(recordUrl);
    expect(await clerkPage.textContent(`#record-${id}-returned`)).toContain('佐证材料不足');
    expect(await clerkPage.textContent(`#record-${id}-returned`)).toContain('请补充会议纪要');
    await screenshot(clerkPage, 'review-returned-to-clerk');
    await clerkPage.click(`#record-${id}-submit`);
    await clerkPage.waitForSelector(`#record-${id}-state:has-text("审核中")`);

    // The reviewer passes; the office approves.
    await reviewerPage.goto(recordUrl);
    await reviewerPage.click(`#record-${id}-pass`);
    await reviewerPage.waitForSelector(`#record-${id}-state:has-text("市委改革办审核")`);
    const officePage = await asUser(office);
    await officePage.goto(recordUrl);
    await officePage.click(`#record-${id}-confirm`);
    await officePage.waitForSelector(`#record-${id}-state:has-text("已通过")`);
    const timeline = await officePage.textContent(`#record-${id}-timeline`);
    for (const step of ['保存并上报', '驳回', '通过', '确认']) {
      expect(timeline).toContain(step);
    }
    await screenshot(officePage, 'review-approved');

    // The clerk was told.
    await clerkPage.goto(`${baseUrl}/notifications`);
    expect(await clerkPage.textContent('#notifications')).toContain('已审核通过');
  });
});
