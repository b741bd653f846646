import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/time/clock.js';
import { launchBrowser, listen, loginInBrowser, STEP_TIMEOUT_MS } from '../helpers/browser.js';
import { createIssuedProject, type IssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: PDF });

/**
 * Record forms with files in a browser without JavaScript: the file goes with the form in one
 * multipart request and is on the saved record; a refused file brings the form back with the
 * message beside the field and the typed values. With JavaScript the file is uploaded first and
 * the form still posts urlencoded, as before.
 */
describe('Browser: record forms post their files with JavaScript off', () => {
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let clerk: TestUser;
  let projectClerk: TestUser;
  let project: IssuedProject;

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-03-31T10:00:00+08:00');
    baseUrl = await listen(testApp);
    browser = await launchBrowser();
    clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    projectClerk = await createUser(testApp.dataSource, {
      unitCode: 'dept-dashuju',
      roles: ['entry'],
    });
    const office = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    project = await createIssuedProject(testApp.dataSource, {
      unit: 'dept-dashuju',
      createdBy: office.id,
      name: '数字重庆一网统管改革',
      planYear: 2026,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const asUser = async (user: TestUser, javaScriptEnabled: boolean): Promise<Page> => {
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await loginInBrowser(page, baseUrl, user.mobile, user.password);
    return page;
  };
  const filesOf = async (id: string) =>
    (
      await testApp.dataSource.query<{ original_name: string }[]>(
        `SELECT a.original_name FROM workflow_item_attachments l JOIN attachments a ON a.id = l.attachment_id
          WHERE l.item_id = $1 ORDER BY l.position`,
        [id],
      )
    ).map((row) => row.original_name);
  const fillDemand = async (page: Page, title: string) => {
    await page.goto(`${baseUrl}/demands/new`);
    await page.fill('#title', title);
    await page.check('input[name=channelId] >> nth=0');
    await page.fill('#description', '群众企业基层有期盼：附件随表单提交。');
    await page.selectOption('#domainId', { index: 1 });
  };

  it('should file a demand with its file in one request', async () => {
    const page = await asUser(clerk, false);
    await fillDemand(page, '无脚本提交附件的改革需求');
    await page.setInputFiles('#demand-form-attachments-input', [
      pdf('需求论证.pdf'),
      pdf('调研报告.pdf'),
    ]);
    await Promise.all([
      page.waitForURL(/\/demands\/[0-9a-f-]{36}$/),
      page.click('#demand-form button[value="1"]'),
    ]);
    expect(await page.textContent('#flash')).toContain('已保存并上报');
    expect(await page.textContent('main')).toContain('需求论证.pdf');
    const id = page.url().split('/').pop()!;
    expect(await filesOf(id)).toEqual(['需求论证.pdf', '调研报告.pdf']);
  });

  it('should file a major-project promotion: a refused file comes back beside the field, then the good one is saved', async () => {
    const page = await asUser(projectClerk, false);
    await page.goto(`${baseUrl}/major-projects/${project.projectId}/promotions/new`);
    await page.check('input[name=methodId] >> nth=0');
    await page.fill('#promotedOn', '2026-03-20');
    await page.fill('#description', '组织媒体集中宣传报道一网统管经验');
    await page.setInputFiles('#promotion-form-evidence-input', [
      { name: '报道截图.pdf', mimeType: 'application/pdf', buffer: EXE },
    ]);
    await Promise.all([
      page.waitForLoadState('domcontentloaded'),
      page.click('#promotion-form button[value="1"]'),
    ]);
    await page.waitForSelector('#promotion-form-evidence-upload-error:not(:empty)');
    expect(await page.textContent('#promotion-form-evidence-upload-error')).toBe(
      '文件「报道截图.pdf」的类型不受支持或与扩展名不符，仅支持 PDF、JPG、PNG、DOC/DOCX、XLS/XLSX',
    );
    expect(await page.inputValue('#description')).toBe('组织媒体集中宣传报道一网统管经验');
    expect(await page.inputValue('#promotedOn')).toBe('2026-03-20');
    expect(await page.isChecked('input[name=methodId] >> nth=0')).toBe(true);

    await page.setInputFiles('#promotion-form-evidence-input', [pdf('新闻报道.pdf')]);
    await Promise.all([
      page.waitForURL(/\/major-projects\/promotions\/[0-9a-f-]{36}$/),
      page.click('#promotion-form button[value="1"]'),
    ]);
    expect(await page.textContent('main')).toContain('新闻报道.pdf');
    const id = page.url().split('/').pop()!;
    expect(await filesOf(id)).toEqual(['新闻报道.pdf']);
  });

  it('should still upload first and post urlencoded with JavaScript on', async () => {
    const page = await asUser(clerk, true);
    await fillDemand(page, '有脚本上传附件的改革需求');
    expect(await page.getAttribute('#demand-form', 'enctype')).toBe(
      'application/x-www-form-urlencoded',
    );
    expect(await page.getAttribute('#demand-form', 'action')).toBe('/demands');
    await page.setInputFiles('#demand-form-attachments-input', [pdf('先上传的附件.pdf')]);
    await page.waitForSelector('#demand-form-attachments-files li');
    const posted: { type?: string; url: string }[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/demands') {
        posted.push({ type: request.headers()['content-type'], url: request.url() });
      }
    });
    await Promise.all([
      page.waitForURL(/\/demands\/[0-9a-f-]{36}$/),
      page.click('#demand-form button[value="1"]'),
    ]);
    expect(posted).toEqual([
      { type: 'application/x-www-form-urlencoded', url: `${baseUrl}/demands` },
    ]);
    const id = page.url().split('/').pop()!;
    expect(await filesOf(id)).toEqual(['先上传的附件.pdf']);
  });
});
