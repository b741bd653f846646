import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { SatisfactionService } from '../../src/satisfaction/satisfaction.service.js';
import {
  launchBrowser,
  listen,
  loginInBrowser,
  screenshot,
  STEP_TIMEOUT_MS,
} from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Browser journey: the survey centre files the quarterly satisfaction return, the office confirms', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let office: TestUser;
  let districts: { id: number; name: string }[];

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    districts = await testApp.app.get(SatisfactionService).districts();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (user: TestUser): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await loginInBrowser(page, baseUrl, user.mobile, user.password);
    return page;
  };
  const typedScores = (page: Page) =>
    page
      .locator('#satisfaction-scores input')
      .evaluateAll((inputs) =>
        inputs.map((input) => [input.id, (input as HTMLInputElement).value]),
      );

  it('should name the out-of-range row, keep every typed score, and show the confirmed score in a district history', async () => {
    // 80.00, 81.25, 82.50, … one score per district; 渝中区 (the fourth row) is mistyped as 120.
    const scores = new Map(
      districts.map((district, index) => [district.id, (80 + (index % 16) * 1.25).toFixed(2)]),
    );
    const yuzhong = districts[3];
    expect(yuzhong.name).toBe('渝中区');
    scores.set(yuzhong.id, '120');

    const page = await asUser(clerk);
    await page.goto(`${baseUrl}/satisfaction`);
    await Promise.all([
      page.waitForURL(`${baseUrl}/satisfaction/new`),
      page.click('a[href="/satisfaction/new"]'),
    ]);
    // The import label reads on one line: its text, the template link and the bracket share a top.
    const labelLineTops = await page.evaluate(() => {
      const label = document.querySelector('#satisfaction-import label')!;
      const range = document.createRange();
      range.setStart(label, 0);
      range.setEndBefore(label.querySelector('input')!);
      return [
        ...new Set(
          [...range.getClientRects()]
            .filter((rect) => rect.width > 0)
            .map((rect) => Math.round(rect.top)),
        ),
      ];
    });
    expect(labelLineTops).toHaveLength(1);
    await page.selectOption('#quarter', '2026-Q3');
    for (const [id, score] of scores) {
      await page.fill(`#score_${id}`, score);
    }
    await page.fill('#conclusion', '三季度全市改革满意度总体稳中有升。');
    await Promise.all([
      page.waitForLoadState(),
      page.click('#satisfaction-form button[value="1"]'),
    ]);
    const error = await page.textContent('#scores-error');
    expect(error).toContain('有 1 处需要修改：渝中区 的得分有误');
    expect(error).not.toContain('万州区');
    expect(await page.textContent(`#score_${yuzhong.id}-error`)).toBe(
      '得分“120”须为 0–100 之间、最多两位小数的数',
    );
    expect(await page.getAttribute(`#score_${yuzhong.id}`, 'aria-invalid')).toBe('true');
    expect(await page.textContent('#satisfaction-form-report-upload-error')).toContain(
      '请上传调查报告',
    );
    expect(await typedScores(page)).toEqual(
      [...scores].map(([id, score]) => [`score_${id}`, score]),
    );
    expect(await page.inputValue('#quarter')).toBe('2026-Q3');
    expect(await page.inputValue('#conclusion')).toBe('三季度全市改革满意度总体稳中有升。');

    await page.fill(`#score_${yuzhong.id}`, '92.5');
    await page.setInputFiles('#satisfaction-form-report-input', {
      name: '2026年三季度改革满意度调查报告.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n'),
    });
    await page.waitForSelector('#satisfaction-form-report-files .attachment-chip');
    await Promise.all([
      page.waitForURL(/\/satisfaction\/[0-9a-f-]{36}$/),
      page.click('#satisfaction-form button[value="1"]'),
    ]);
    const url = page.url();
    const id = url.split('/').pop()!;
    expect(await page.textContent('#report-files')).toContain('2026年三季度改革满意度调查报告.pdf');

    const officePage = await asUser(office);
    await officePage.goto(url);
    await officePage.click(`#record-${id}-confirm`);
    await officePage.waitForSelector(`#record-${id}-state:has-text("已通过")`);
    await Promise.all([
      officePage.waitForURL(`${baseUrl}/satisfaction/history?unit=${yuzhong.id}`),
      officePage.click(`#satisfaction-scores a:has-text("渝中区")`),
    ]);
    expect(await officePage.textContent('h1')).toContain('渝中区改革满意度');
    expect(
      await officePage
        .locator('#satisfaction-history tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
        ),
    ).toEqual([['2026年第三季度', '92.50']]);
    await screenshot(officePage, 'satisfaction-history');
  });
});
