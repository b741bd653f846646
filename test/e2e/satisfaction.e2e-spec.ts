import ExcelJS from 'exceljs';
import { SatisfactionService } from '../../src/satisfaction/satisfaction.service.js';
import { binaryParser } from '../helpers/excel.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Satisfaction returns (改革满意度) (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let survey: HttpSession;
  let office: HttpSession;
  let districts: { id: number; name: string }[];

  beforeAll(async () => {
    testApp = await createTestApp();
    const surveyClerk: TestUser = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });
    const officeUser = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    survey = await login(testApp.server, surveyClerk.mobile, surveyClerk.password);
    office = await login(testApp.server, officeUser.mobile, officeUser.password);
    districts = await testApp.app.get(SatisfactionService).districts();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should refuse an imported sheet with a missing district, a duplicate and a score of 101, naming the rows', async () => {
    const template = await survey.agent
      .get('/satisfaction/template')
      .buffer(true)
      .parse(binaryParser);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template.body as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    // Rows 2..42 hold the 41 districts in order: fill all, then break three things.
    for (let row = 2; row <= 42; row += 1) {
      sheet.getRow(row).getCell(2).value = 90;
    }
    sheet.getRow(2).getCell(2).value = 101; // 万州区
    sheet.getRow(3).getCell(1).value = '万州区'; // a duplicate in place of 黔江区
    const response = await survey.agent
      .post(`/satisfaction/import?_csrf=${survey.csrfToken}`)
      .attach('file', Buffer.from(await workbook.xlsx.writeBuffer()), '得分.xlsx');
    expect(response.status).toBe(422);
    expect(response.text).toContain('第 2 行：万州区 的得分“101”须为 0–100 之间');
    expect(response.text).toContain('第 3 行：万州区 重复');
    expect(response.text).toContain('缺少 黔江区 的得分');
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM satisfaction_returns`,
        )
      )[0].count,
    ).toBe(0);
  });

  it('should take a complete typed return to the office and show it in each district history', async () => {
    const form: Record<string, string> = { quarter: '2026-Q3', conclusion: '总体满意度稳中有升。' };
    districts.forEach((district, index) => {
      form[`score_${district.id}`] = (80 + (index % 20) + 0.25).toFixed(2);
    });
    const missingReport = await survey.post('/satisfaction', { ...form, submit: '1' });
    expect(missingReport.status).toBe(422);
    expect(missingReport.text).toContain('请上传调查报告');
    const draft = await survey.post('/satisfaction', form);
    expect(draft.status).toBe(303);
    const id = String(draft.headers.location).split('/').pop()!;
    expect(
      (await survey.htmx('post', `/records/${id}/transitions`, { action: 'submit' })).status,
    ).toBe(200);
    expect(
      (await office.htmx('post', `/records/${id}/transitions`, { action: 'confirm' })).status,
    ).toBe(200);
    const history = await testApp.app.get(SatisfactionService).historyByDistrict(districts[0].id);
    expect(history).toEqual([{ quarter: '2026-Q3', score: 80.25 }]);
    const again = await survey.post('/satisfaction', form);
    expect(again.status).toBe(422);
    expect(again.text).toContain('2026-Q3 已有满意度报表');
  });

  it('should list a district history of confirmed scores only, opening on the own district of a district user', async () => {
    const form: Record<string, string> = { quarter: '2026-Q2', conclusion: '草稿，尚未上报。' };
    districts.forEach((district) => {
      form[`score_${district.id}`] = '70';
    });
    expect((await survey.post('/satisfaction', form)).status).toBe(303);
    const history = await office.agent.get(`/satisfaction/history?unit=${districts[0].id}`);
    expect(history.status).toBe(200);
    expect(history.text).toContain('万州区改革满意度');
    expect(history.text).toContain('<td>2026-Q3</td><td class="num">80.25</td>');
    expect(history.text).not.toContain('2026-Q2');
    const wanzhouClerk = await createUser(testApp.dataSource, {
      unitCode: 'wanzhou',
      roles: ['entry'],
    });
    const wanzhou = await login(testApp.server, wanzhouClerk.mobile, wanzhouClerk.password);
    const own = await wanzhou.agent.get('/satisfaction/history');
    expect(own.text).toContain('万州区改革满意度');
    expect(own.text).toContain('<td>2026-Q3</td><td class="num">80.25</td>');
    expect((await office.agent.get('/satisfaction/history')).text).toContain('请选择区县');
  });
});
