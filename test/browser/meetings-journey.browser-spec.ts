import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { launchBrowser, listen, loginInBrowser, screenshot } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

/** The China calendar day `days` after the real today (approvals carry the database's now()). */
const day = (days: number) =>
  new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

describe('Browser journey: a department topic goes on a meeting, its 议定事项 go to two districts, one is 销号 and the other becomes overdue', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  const users: Record<string, TestUser> = {};

  beforeAll(async () => {
    testApp = await createTestApp();
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    const make = (key: string, unitCode: string, role: 'entry' | 'reviewer' | 'office') =>
      createUser(testApp.dataSource, { unitCode, roles: [role], name: key }).then((user) => {
        users[key] = user;
      });
    await make('office', '市委改革办', 'office');
    await make('deptClerk', '市教委', 'entry');
    await make('deptReviewer', '市教委', 'reviewer');
    await make('yzClerk', 'yuzhong', 'entry');
    await make('yzReviewer', 'yuzhong', 'reviewer');
    await make('jbClerk', 'jiangbei', 'entry');
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (key: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(8000);
    await loginInBrowser(page, baseUrl, users[key].mobile, users[key].password);
    return page;
  };
  const submitAndWait = (page: Page, url: RegExp | string, selector: string) =>
    Promise.all([page.waitForURL(url), page.click(selector)]);

  it('should show the decision 已销号 for 渝中区 and 已逾期 for 江北区 on the meeting page', async () => {
    // The office enters the meeting.
    const office = await asUser('office');
    await office.goto(`${baseUrl}/meetings/new`);
    await office.fill('#name', '六届市委第三次深改会');
    await office.selectOption('#kind', 'plenary');
    await office.fill('#heldOn', day(1));
    await office.fill('#place', '市委常委会议室');
    await office.check('input[aria-label="市教委出席"]');
    await submitAndWait(office, /\/meetings\/[0-9a-f-]{36}$/, '#meeting-form button.primary');
    const meetingUrl = office.url();
    expect(await office.textContent('#meeting-status')).toContain('筹备中');

    // The department proposes a topic with its draft document (PDF).
    const deptClerk = await asUser('deptClerk');
    await deptClerk.goto(`${baseUrl}/meetings/topics/new`);
    await deptClerk.fill('#title', '关于深化新时代教育评价改革的实施意见');
    await deptClerk.selectOption('#topicKind', 'review_document');
    await deptClerk.fill('#summary', '提请审议实施意见（送审稿）。');
    await deptClerk.setInputFiles('#topic-form-documents-input', {
      name: '实施意见.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await deptClerk.waitForSelector('#topic-form-documents-files li');
    await submitAndWait(
      deptClerk,
      /\/meetings\/topics\/[0-9a-f-]{36}$/,
      '#topic-form button[value="1"]',
    );
    const topicUrl = deptClerk.url();
    const topicId = topicUrl.split('/').pop()!;

    // Its reviewer passes it; the office 采纳 it onto the meeting.
    const deptReviewer = await asUser('deptReviewer');
    await deptReviewer.goto(`${baseUrl}/inbox`);
    await submitAndWait(deptReviewer, topicUrl, `#inbox-${topicId} a`);
    await deptReviewer.click(`#record-${topicId}-pass`);
    await deptReviewer.waitForSelector(`#record-${topicId}-state:has-text("市委改革办审定议题")`);

    await office.goto(`${baseUrl}/inbox`);
    await submitAndWait(office, topicUrl, `#inbox-${topicId} a`);
    await office.selectOption('#meetingId', { label: `六届市委第三次深改会（${day(1)}）` });
    await submitAndWait(office, topicUrl, '#adopt-form button.primary');
    expect(await office.textContent('#topic-meeting')).toContain('议程第 1 项');

    // The meeting is held: the topic's result, then a 议定事项 for 渝中区 (lead) and 江北区.
    await office.goto(`${meetingUrl}/edit`);
    await office.selectOption('#status', 'held');
    await submitAndWait(office, meetingUrl, '#meeting-form button.primary');
    await office.goto(topicUrl);
    await office.selectOption('#result', 'passed');
    await submitAndWait(office, topicUrl, '#result-form button');
    expect(await office.textContent('#topic-result')).toContain('审议通过');

    await office.goto(meetingUrl);
    expect(await office.textContent('#agenda')).toContain('审议通过');
    await office.fill('#decision-form #title', '制定教育评价改革任务分工方案');
    await office.selectOption('#leadUnitId', { label: '渝中区' });
    await office.check(
      '#decision-form input[name=assistUnitIds] >> xpath=..//self::label[contains(., "江北区")]/input',
    );
    // A deadline in the past is refused next to the field.
    await office.fill('#deadline', day(-1));
    await submitAndWait(
      office,
      /\/meetings\/[0-9a-f-]{36}\/decisions$/,
      '#decision-form button.primary',
    );
    expect(await office.textContent('#deadline-error')).toBe('完成时限不能早于今天');
    await office.fill('#deadline', day(10));
    await submitAndWait(
      office,
      /\/meetings\/[0-9a-f-]{36}(#decisions)?$/,
      '#decision-form button.primary',
    );
    const tasks = await office.textContent('#decision-tasks');
    expect(tasks).toMatch(/渝中区\s*牵头/);
    expect(tasks).toMatch(/江北区\s*配合/);

    // Both districts feed back; 渝中区's is approved, 江北区's waits at its reviewer.
    const feedBack = async (key: string, status: string) => {
      const clerk = await asUser(key);
      await clerk.goto(`${baseUrl}/meetings/decisions`);
      await submitAndWait(clerk, /\/tasks\/[0-9a-f-]{36}$/, 'text=制定教育评价改革任务分工方案');
      await clerk.selectOption('#status', status);
      await clerk.fill('#workDone', '已制定任务分工方案，明确责任和时间节点。');
      await submitAndWait(clerk, /\/task-progress\//, '#progress-form button[value="1"]');
      return clerk.url();
    };
    const yzProgress = await feedBack('yzClerk', 'completed');
    await feedBack('jbClerk', 'in_progress');
    const progressId = yzProgress.split('/').pop()!;
    const yzReviewer = await asUser('yzReviewer');
    await yzReviewer.goto(yzProgress);
    await yzReviewer.click(`#record-${progressId}-pass`);
    await yzReviewer.waitForSelector(`#record-${progressId}-state:has-text("市委改革办审核")`);
    await office.goto(yzProgress);
    await office.click(`#record-${progressId}-confirm`);
    await office.waitForSelector(`#record-${progressId}-state:has-text("已通过")`);

    // The office 销号 渝中区's task.
    await office.goto(meetingUrl);
    expect(await office.textContent('#decision-tasks')).toContain('已完成待销号');
    await submitAndWait(
      office,
      /\/meetings\/[0-9a-f-]{36}(#decisions)?$/,
      'button[aria-label="渝中区销号"]',
    );

    // The day after the deadline 江北区 has no approved feedback: 已逾期.
    testApp.app.get(Clock).now = () => new Date(`${day(11)}T09:00:00+08:00`);
    await office.goto(meetingUrl);
    const rows = await office.$$eval('#decision-tasks tbody tr', (trs) =>
      trs.map((tr) => tr.textContent?.replace(/\s+/g, ' ') ?? ''),
    );
    expect(rows.find((row) => row.includes('渝中区'))).toContain('已销号');
    expect(rows.find((row) => row.includes('江北区'))).toContain('已逾期');
    await screenshot(office, 'meeting-decisions');
  });
});
